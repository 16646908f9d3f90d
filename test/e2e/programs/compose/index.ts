// An e2e program composing a SiemAccount with another stack through the engine: the accounts to scan are the
// outputs of the logging stack (a StackReference); the new account id is exported for the next consumer.
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount } from "pulumi-logzio-siem";

const config = new pulumi.Config();
const logging = new pulumi.StackReference("logging", { name: config.require("loggingStack") });

const siem = new SiemAccount("security", {
    accountName: `siem-${pulumi.getStack()}`,
    email: config.require("securityEmail"),
    accountsToScan: logging.requireOutput("logAccountIds") as pulumi.Output<number[]>,
});

export const siemAccountId = siem.accountId;
export const scannedAccountIds = siem.accountsToScan;
