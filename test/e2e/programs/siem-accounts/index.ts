// An e2e program: the SiemAccounts listed in stack config, with the resource options config asks for, so one
// program serves every lifecycle scenario. Config `accounts` is a JSON list, `options` a JSON object.
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount, SiemAccountArgs } from "pulumi-logzio-siem";

interface Declared extends SiemAccountArgs {
    resourceName: string;
}

const config = new pulumi.Config();
const declared = config.requireObject<Declared[]>("accounts");
const options = config.getObject<pulumi.CustomResourceOptions>("options") ?? {};

const accounts = declared.map(({ resourceName, ...args }) => new SiemAccount(resourceName, args, options));

export const accountIds = Object.fromEntries(declared.map((d, i) => [d.resourceName, accounts[i].accountId]));
export const accountNames = Object.fromEntries(declared.map((d, i) => [d.resourceName, accounts[i].accountName]));
