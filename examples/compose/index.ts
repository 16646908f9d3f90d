// Compose: a SIEM account wired between other resources.
//   in:  the log accounts to scan are outputs of the `logging` stack (a StackReference); the email is config
//   out: the new accountId is published in an AWS SSM parameter that other stacks and tools read
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { SiemAccount } from "pulumi-logzio-siem";

const config = new pulumi.Config();

// e.g. "acme/logging/prod": that stack exports `logAccountIds`, the ids of its Logz.io log accounts.
const logging = new pulumi.StackReference("logging", { name: config.require("loggingStack") });
const logAccountIds = logging.requireOutput("logAccountIds") as pulumi.Output<number[]>;

const siem = new SiemAccount("security", {
    accountName: `siem-${pulumi.getStack()}`,
    email: config.require("securityEmail"),
    accountsToScan: logAccountIds,
});

const parameter = new aws.ssm.Parameter("siem-account-id", {
    name: `/observability/${pulumi.getStack()}/logzio/siem-account-id`,
    type: aws.ssm.ParameterType.String,
    value: siem.accountId.apply(String),
    description: pulumi.interpolate`Logz.io SIEM account ${siem.accountName}`,
});

export const siemAccountId = siem.accountId;
export const scannedAccountIds = siem.accountsToScan;
export const parameterName = parameter.name;
export const parameterArn = parameter.arn;
