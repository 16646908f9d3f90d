// The AIMD rule of the cap on requests in flight (provider/logzio/aimd.ts), as pure functions: a 429 halves the
// window once per epoch (never below 1), answers grow it by 1/window up to the ceiling, other outcomes leave it.
import { expect } from "chai";
import { Window, initialWindow, next, slots } from "../../provider/logzio/aimd";

describe("aimd: the adaptive cap's rule", () => {
    it("starts at half of the ceiling, at least 1", () => {
        expect(initialWindow(25)).to.deep.equal({ size: 12, epoch: 0 });
        expect(initialWindow(100).size).to.equal(50);
        expect(initialWindow(1).size).to.equal(1);
    });

    it("a 429 halves the window, rounding down, and opens a new epoch", () => {
        expect(next({ size: 25, epoch: 0 }, "tooMany", 0, 25)).to.deep.equal({ size: 12, epoch: 1 });
        expect(next({ size: 12.9, epoch: 3 }, "tooMany", 3, 25)).to.deep.equal({ size: 6, epoch: 4 });
    });

    it("never goes below 1, however many 429s", () => {
        let w: Window = { size: 25, epoch: 0 };
        for (let i = 0; i < 50; i++) w = next(w, "tooMany", w.epoch, 25);
        expect(w.size).to.equal(1);
        expect(slots(w, 25)).to.equal(1);
    });

    it("a 429 to a request sent before the last halving does not halve again", () => {
        const halved = next({ size: 24, epoch: 0 }, "tooMany", 0, 25);
        expect(next(halved, "tooMany", 0, 25)).to.equal(halved);
        expect(next(halved, "tooMany", 1, 25)).to.deep.equal({ size: 6, epoch: 2 });
    });

    it("each answer grows it by 1/window: about one slot per window's worth of answers", () => {
        expect(next({ size: 4, epoch: 2 }, "answered", 2, 25)).to.deep.equal({ size: 4.25, epoch: 2 });
        let w: Window = { size: 10, epoch: 0 };
        for (let i = 0; i < 10; i++) w = next(w, "answered", 0, 25);
        expect(slots(w, 25)).to.equal(10); // 10 answers of a window of 10 are a little short of one more slot
        w = next(w, "answered", 0, 25);
        expect(slots(w, 25)).to.equal(11);
    });

    it("grows back to the ceiling and never past it", () => {
        let w: Window = { size: 1, epoch: 5 };
        for (let i = 0; i < 1000; i++) w = next(w, "answered", 5, 25);
        expect(w.size).to.equal(25);
        expect(slots(w, 25)).to.equal(25);
    });

    it("a lowered ceiling bounds the window at once; neutral outcomes change nothing else", () => {
        expect(next({ size: 20, epoch: 1 }, "neutral", 1, 8)).to.deep.equal({ size: 8, epoch: 1 });
        const w = { size: 7.5, epoch: 1 };
        expect(next(w, "neutral", 1, 25)).to.equal(w);
        expect(slots({ size: 30, epoch: 0 }, 25)).to.equal(25);
    });
});
