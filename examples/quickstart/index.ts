// Quickstart: one SIEM account, its id and creation time exported.
//   pulumi config set --secret logzio:apiToken <main-account API token>
//   pulumi config set logzio:region eu        # optional, default us
//   pulumi config set email security@example.com
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount } from "pulumi-logzio-siem";

const config = new pulumi.Config();

const siem = new SiemAccount("security", {
    accountName: config.get("accountName") ?? "platform-siem",
    email: config.get("email") ?? "security@example.com",
});

export const accountId = siem.accountId;
export const accountName = siem.accountName;
export const createdAt = siem.createdAt;
