import { findIana } from "windows-iana";
import { isTimeZone } from "../domain/index.js";

/** A mailbox time zone as IANA, or why it cannot be: never a guess. */
export type ZoneReading = { timeZone: string } | { problem: string };

/**
 * Outlook keeps a mailbox's zone as a Windows name ("GMT Standard Time") or, set from some clients, an IANA
 * one. Windows names map through CLDR's windowsZones (the `windows-iana` package) to their golden IANA zone;
 * a name with no mapping is reported, not replaced by UTC.
 */
export function ianaZoneOf(mailboxZone: string | undefined): ZoneReading {
  if (!mailboxZone) return { problem: "no time zone in the mailbox settings" };
  if (mailboxZone.includes("/") && isTimeZone(mailboxZone)) return { timeZone: mailboxZone };
  const golden = findIana(mailboxZone).find((zone) => isTimeZone(zone));
  if (golden) return { timeZone: golden };
  return { problem: `the mailbox time zone "${mailboxZone}" has no IANA equivalent` };
}
