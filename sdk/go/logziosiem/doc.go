// Logz.io Cloud SIEM accounts: create, adopt, refresh and guard them against accidental deletion.
package logziosiem
