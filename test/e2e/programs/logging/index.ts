// An e2e program standing for a team's logging stack: it exports the ids of its Logz.io log accounts.
import * as pulumi from "@pulumi/pulumi";

export const logAccountIds = new pulumi.Config().requireObject<number[]>("logAccountIds");
