// Runtime mocks for the resources of other packages in the examples, with the outputs their real providers
// return. Loaded by the program runner's child process (`otherResourceMocks`); settings come from the
// environment because the child is a separate process.
type Obj = Record<string, unknown>;

export function newResource(args: { type: string; name: string; inputs: Obj }): { id: string; state: Obj } {
    switch (args.type) {
        case "pulumi:pulumi:StackReference": {
            // The referenced stack's outputs, as `pulumi stack output` of that stack would show them.
            const ids = (process.env.LOGGING_ACCOUNT_IDS ?? "").split(",").filter(Boolean).map(Number);
            const name = String(args.inputs.name);
            return { id: name, state: { name, outputs: { logAccountIds: ids }, secretOutputNames: [] } };
        }
        case "aws:ssm/parameter:Parameter": {
            const name = String(args.inputs.name);
            return {
                id: name,
                state: {
                    ...args.inputs,
                    arn: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`,
                    dataType: "text",
                    tier: "Standard",
                    version: 1,
                    insecureValue: null,
                    keyId: "",
                },
            };
        }
        default:
            return { id: `${args.name}-id`, state: args.inputs };
    }
}

export function call(args: { token: string; inputs: Obj }): Obj {
    return args.inputs;
}
