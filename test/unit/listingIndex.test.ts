// Lookups in one list of accounts answer as a scan of the list in its order would, however many lookups share it.
import { expect } from "chai";
import { AccountView } from "../../provider/logzio/codecs";
import { findSiem, findSiemNamed, listedAsOther, notWhole } from "../../provider/lookups/listingIndex";

const account = (accountId: number, accountName: string, type = "SECURITY_ACCOUNT") => ({ accountId, accountName, type }) as AccountView;

describe("listing index: lookups in a shared list", () => {
    const accounts: readonly AccountView[] = [
        account(1, "Main", "OWNER_ACCOUNT"),
        account(2, "prod  SIEM"),
        account(3, "Prod SIEM"),
        account(4, "Prod SIEM"),
        account(5, "prod siem", "SUB_ACCOUNT"),
        account(6, "dup", "SUB_ACCOUNT"),
        account(6, "dup"),
    ];

    it("a name: the exact one first, else the first equal but for case and spaces, SIEM accounts only", () => {
        expect(findSiemNamed(accounts, "Prod SIEM")?.accountId).to.equal(3);
        expect(findSiemNamed(accounts, " PROD SIEM ")?.accountId).to.equal(2);
        expect(findSiemNamed(accounts, "prod siem")?.accountId).to.equal(2);
        expect(findSiemNamed(accounts, "Main")).to.equal(undefined);
        expect(findSiemNamed(accounts, "nothing")).to.equal(undefined);
    });

    it("an id: the SIEM account, or the account listed under another type, each the first in order", () => {
        expect(findSiem(accounts, 3)?.accountName).to.equal("Prod SIEM");
        expect(findSiem(accounts, 5)).to.equal(undefined);
        expect(listedAsOther(accounts, 5)?.type).to.equal("SUB_ACCOUNT");
        expect(findSiem(accounts, 6)?.type).to.equal("SECURITY_ACCOUNT");
        expect(listedAsOther(accounts, 6)?.type).to.equal("SUB_ACCOUNT");
        expect(listedAsOther(accounts, 3)).to.equal(undefined);
    });

    it("whether the main account is listed, whatever its type", () => {
        expect(notWhole({ accounts }, 1)).to.equal(undefined);
        expect(notWhole({ accounts }, 6)).to.equal(undefined);
        expect(notWhole({ accounts }, 99)).to.include("does not include main account 99");
        expect(notWhole({ accounts: [] }, 1)).to.include("empty list");
    });

    it("each list answers for itself: a newer list (a rename, a deletion) is never answered from an older one's index", () => {
        const before = [account(1, "Main", "OWNER_ACCOUNT"), account(7, "old name")];
        const after = [account(1, "Main", "OWNER_ACCOUNT"), account(7, "new name")];
        expect(findSiemNamed(before, "old name")?.accountId).to.equal(7);
        expect(findSiem(before, 7)?.accountName).to.equal("old name");
        expect(findSiemNamed(after, "old name")).to.equal(undefined);
        expect(findSiemNamed(after, "NEW NAME")?.accountId).to.equal(7);
        expect(findSiem(after, 7)?.accountName).to.equal("new name");
        expect(findSiem([account(1, "Main", "OWNER_ACCOUNT")], 7)).to.equal(undefined);
    });
});
