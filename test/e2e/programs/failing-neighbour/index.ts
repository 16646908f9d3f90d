// An e2e program: a SiemAccount and, beside it (no dependency either way), another resource of the same
// program whose create throws while config `neighbourFails` is true: the failure of one resource of a run.
// It throws once the file named by config `failWhen` exists, so a test decides the moment (e.g. mid-POST).
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount } from "pulumi-logzio-siem";

const config = new pulumi.Config();

interface NeighbourInputs {
    fails: boolean;
    failWhen: string;
}

const neighbourProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: NeighbourInputs) {
        if (!inputs.fails) return { id: "neighbour", outs: inputs };
        const until = Date.now() + 60_000;
        while (!fs.existsSync(inputs.failWhen) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        throw new Error("the neighbour resource failed to create");
    },
};

class Neighbour extends pulumi.dynamic.Resource {
    constructor(name: string, inputs: NeighbourInputs) {
        super(neighbourProvider, name, inputs, {});
    }
}

const account = new SiemAccount("siem", { accountName: config.require("accountName"), email: "n@example.com" });
new Neighbour("neighbour", { fails: config.requireBoolean("neighbourFails"), failWhen: config.require("failWhen") });

export const accountId = account.accountId;
