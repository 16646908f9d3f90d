// Two SIEM accounts under two Logz.io main accounts (US and EU), each with its own token and region.
// `configNamespace` names the stack-config namespace that holds an account's apiToken, region and customApiUrl.
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount } from "pulumi-logzio-siem";

const config = new pulumi.Config();
const email = config.get("securityEmail") ?? "security@example.com";

// Token and region from `logzio:*` (the default namespace).
const us = new SiemAccount("siem-us", { accountName: "siem-us", email });

// Token and region from `logzio-eu:*`.
const eu = new SiemAccount("siem-eu", { accountName: "siem-eu", email, configNamespace: "logzio-eu" });

export const usAccountId = us.accountId;
export const euAccountId = eu.accountId;
