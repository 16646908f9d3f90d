// An e2e program whose second SiemAccount takes an input from the first one's output, so during preview that
// input is unknown: check must accept it, and up must create the accounts in order.
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount } from "pulumi-logzio-siem";

const config = new pulumi.Config();
const email = config.require("email");

const first = new SiemAccount("first", { accountName: "siem-first", email });
const second = new SiemAccount("second", { accountName: "siem-second", email, accountsToScan: [first.accountId] });

export const firstId = first.accountId;
export const secondScans = second.accountsToScan;
