// Quickstart: one SIEM account, its id and creation time exported.
//   pulumi config set --secret logzio:apiToken <main-account API token>
//   pulumi config set logzio:region eu        # optional, default us
//   pulumi config set email security@example.com   # required
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount } from "pulumi-logzio-siem";

const config = new pulumi.Config();

const siem = new SiemAccount("security", {
    accountName: config.get("accountName") ?? "platform-siem",
    email: config.require("email"), // required: an account is never registered to a placeholder address
});

export const accountId = siem.accountId;
export const accountName = siem.accountName;
export const createdAt = siem.createdAt;
