// An e2e program whose SiemAccount has no name: Pulumi refuses it inside SiemAccount's constructor, and what the
// CLI prints must point at the line below (the test finds it by its marker).
import { SiemAccount } from "pulumi-logzio-siem";

new SiemAccount("", { accountName: "nameless", email: "n@example.com" }); // the user's line
