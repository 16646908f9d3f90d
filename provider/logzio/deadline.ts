// One operation's deadline: the moment (machine clock, ms) by which every attempt, retry wait and queued slot of an
// operation must be over. Made once per lifecycle call (deadlineIn) and passed down to every request it makes.

export interface Deadline {
    readonly at: number;
}

export const deadlineIn = (ms: number): Deadline => ({ at: Date.now() + ms });
