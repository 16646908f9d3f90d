"""A Python program declaring one Logz.io SIEM account through the logzio-siem resource provider plugin (the SDK
generated in sdk/python). The e2e test (test/e2e/python.test.ts) runs it with the real CLI against the emulator;
the stack config names the emulator and holds the token as a secret under `logzio-siem:`."""
import pulumi
import pulumi_logzio_siem as logzio_siem

ops = logzio_siem.SiemAccount(
    "ops",
    account_name="Python Ops",
    email="ops@example.com",
    accounts_to_scan=[],
    is_using_repository_account=False,
)

pulumi.export("accountId", ops.account_id)
pulumi.export("mainAccountId", ops.main_account_id)
pulumi.export("apiUrl", ops.api_url)
