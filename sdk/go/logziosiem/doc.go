// Logz.io Cloud SIEM accounts: create, adopt, import and refresh them, guarded against duplicates and accidental deletion.
package logziosiem
