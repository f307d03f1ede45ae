import {
  type Asset,
  addDays,
  type Conversation,
  canDeliverTo,
  type Delivery,
  deliveryIdFor,
  isoWeekday,
  localDate,
  newDelivery,
  type Person,
  type Program,
  type ScheduleEntry,
  type Team,
  zonedTimeToUtc,
} from "../domain/index.js";

/** One active program with its assets. */
export interface PlannedProgram {
  program: Program;
  assets: readonly Asset[];
}

export interface PlanInput {
  programs: readonly PlannedProgram[];
  /** The tenant's teams by id; a program's comparison teams may be among them and get nothing. */
  teams: ReadonlyMap<string, Team>;
  /** How the bot reaches each person (by lower-case object id); no conversation means no delivery. */
  conversations: ReadonlyMap<string, Conversation>;
  /** Deliveries already planned in `readRange(from, to)` for these people, from every program: they count towards the cap. */
  existing: readonly Delivery[];
  /** Slots in [from, to) are planned. */
  from: Date;
  to: Date;
  now: Date;
  /** Reuse one across calls that share zones (a tick plans person by person): time-zone maths is costly. */
  zones?: ZoneCache;
}

/** Memoised local-date and slot arithmetic: Intl formatters are slow, and thousands share a zone. */
export class ZoneCache {
  private readonly dates = new Map<string, string>();
  private readonly slots = new Map<string, Date>();

  localDate(at: Date, timeZone: string): string {
    const key = `${at.getTime()}|${timeZone}`;
    let date = this.dates.get(key);
    if (date === undefined) {
      date = localDate(at, timeZone);
      this.dates.set(key, date);
    }
    return date;
  }

  slot(date: string, localTime: string, quiet: { start: string; end: string } | null, timeZone: string): Date {
    const key = `${date}|${localTime}|${quiet?.start}|${quiet?.end}|${timeZone}`;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = outOfQuietHours(date, localTime, quiet, timeZone);
      this.slots.set(key, slot);
    }
    return slot;
  }
}

const DAY_MS = 86_400_000;

/** Existing deliveries in this range are all the planner needs to apply the per-day cap in every zone. */
export function readRange(from: Date, to: Date): { from: Date; to: Date } {
  return { from: new Date(from.getTime() - 2 * DAY_MS), to: new Date(to.getTime() + 2 * DAY_MS) };
}

/** Deliveries that took or take a place in a person's day; failed and cancelled ones reached no one. */
function countsTowardsCap(delivery: Delivery): boolean {
  return delivery.status !== "failed" && delivery.status !== "cancelled";
}

interface Candidate {
  delivery: Delivery;
  cap: number;
  day: string;
}

/**
 * The deliveries due in [from, to): each pilot team's managers or members get each schedule entry at its
 * local time in their own zone, moved out of quiet hours, within the program's window, never more than
 * the cap per local day across all programs. Pure and deterministic: the same input plans the same ids.
 */
export function planDeliveries(input: PlanInput): Delivery[] {
  const zones = input.zones ?? new ZoneCache();
  const candidates = new Map<string, Candidate>();
  for (const { program, team, entry, asset, person } of scheduledRecipients(input)) {
    const conversation = input.conversations.get(person.objectId.toLowerCase());
    if (!conversation?.reachable) continue;
    const since = sendableSince(program, conversation);
    for (const slot of slotsFor(program, entry, asset, person.timeZone, input.from, input.to, zones)) {
      if (!canDeliverTo(conversation, slot) || slot.getTime() < since) continue;
      const id = deliveryIdFor(program.id, asset.id, person.objectId, slot);
      if (candidates.has(id)) continue;
      candidates.set(id, {
        cap: program.schedule.maxPerPersonPerDay,
        day: `${person.objectId.toLowerCase()} ${zones.localDate(slot, person.timeZone)}`,
        delivery: newDelivery(
          {
            id,
            tenantId: program.tenantId,
            programId: program.id,
            assetId: asset.id,
            scheduleEntryId: entry.id,
            teamId: team.id,
            recipientObjectId: person.objectId.toLowerCase(),
            recipientRole: entry.audience === "managers" ? "manager" : "learner",
            slot,
          },
          input.now,
        ),
      });
    }
  }
  return applyCap([...candidates.values()], input, zones);
}

export interface WindowInput {
  programs: readonly PlannedProgram[];
  teams: ReadonlyMap<string, Team>;
  conversations: ReadonlyMap<string, Conversation>;
  /** Only these people (lower-case object ids); everyone when absent. */
  people?: ReadonlySet<string>;
  from: Date;
  to: Date;
  now: Date;
  zones?: ZoneCache;
}

/**
 * The deliveries with slots in [from, to), planned without reading any back: the per-day cap counts every
 * candidate of the person's days that the current programs, teams and people make, so a window planned
 * now agrees with the windows planned before it from the same inputs. Only people with a slot in the
 * window are planned at all (found per program, entry and time zone), so a window with few slots costs
 * little whatever the number of people.
 */
export function planWindow(input: WindowInput): Delivery[] {
  const zones = input.zones ?? new ZoneCache();
  const due = new Map<string, Conversation>();
  const zoneHasSlot = new Map<string, boolean>();
  for (const { program, entry, asset, person } of scheduledRecipients(input)) {
    const id = person.objectId.toLowerCase();
    if (due.has(id) || (input.people && !input.people.has(id))) continue;
    const conversation = input.conversations.get(id);
    if (!conversation?.reachable) continue;
    const key = `${program.id}|${entry.id}|${person.timeZone}`;
    let hasSlot = zoneHasSlot.get(key);
    if (hasSlot === undefined) {
      hasSlot = slotsFor(program, entry, asset, person.timeZone, input.from, input.to, zones).length > 0;
      zoneHasSlot.set(key, hasSlot);
    }
    if (hasSlot) due.set(id, conversation);
  }
  if (due.size === 0) return [];
  const range = readRange(input.from, input.to);
  const from = input.from.toISOString();
  const to = input.to.toISOString();
  return planDeliveries({ ...input, conversations: due, existing: [], from: range.from, to: range.to, zones }).filter(
    (d) => d.slot >= from && d.slot < to,
  );
}

/** Every (program, pilot team, schedule entry with its asset, recipient) an active program sends to. */
function* scheduledRecipients(input: Pick<PlanInput, "programs" | "teams">) {
  for (const { program, assets } of input.programs) {
    if (program.status !== "active" || !program.window) continue;
    const assetsById = new Map(assets.map((a) => [a.id, a]));
    for (const { teamId, role } of program.teams) {
      const team = input.teams.get(teamId);
      if (role !== "pilot" || !team) continue;
      for (const entry of program.schedule.entries) {
        const asset = assetsById.get(entry.assetId);
        if (!asset) continue;
        const recipients: Person[] = entry.audience === "managers" ? [team.manager] : team.members;
        for (const person of recipients) yield { program, team, entry, asset, person };
      }
    }
  }
}

/**
 * The first instant a card of this program could reach this person: not before the program became active
 * nor before the person installed the app. Earlier slots are no candidates, so a morning that was never
 * sendable takes no place in the day's cap — and every window planned from the same inputs still agrees.
 */
function sendableSince(program: Program, conversation: Conversation): number {
  const times = [program.activeSince, conversation.reachableSince].filter((t): t is string => t !== null);
  return Math.max(Number.NEGATIVE_INFINITY, ...times.map(Date.parse));
}

/** Keeps candidates in slot order while the person's day (existing deliveries first) is under the cap. */
function applyCap(candidates: Candidate[], input: PlanInput, zones: ZoneCache): Delivery[] {
  const zoneOf = new Map<string, string>();
  for (const team of input.teams.values())
    for (const p of [team.manager, ...team.members]) zoneOf.set(p.objectId.toLowerCase(), p.timeZone);
  const existingIds = new Set<string>();
  const perDay = new Map<string, number>();
  for (const d of input.existing) {
    existingIds.add(d.id);
    const zone = zoneOf.get(d.recipientObjectId.toLowerCase());
    if (!zone || !countsTowardsCap(d)) continue;
    const day = `${d.recipientObjectId.toLowerCase()} ${zones.localDate(new Date(d.slot), zone)}`;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const ordered = candidates
    .filter((c) => !existingIds.has(c.delivery.id))
    .sort(
      (a, b) =>
        a.delivery.slot.localeCompare(b.delivery.slot) ||
        a.delivery.programId.localeCompare(b.delivery.programId) ||
        a.delivery.scheduleEntryId.localeCompare(b.delivery.scheduleEntryId) ||
        a.delivery.id.localeCompare(b.delivery.id),
    );
  const planned: Delivery[] = [];
  for (const candidate of ordered) {
    const count = perDay.get(candidate.day) ?? 0;
    if (count >= candidate.cap) continue;
    perDay.set(candidate.day, count + 1);
    planned.push(candidate.delivery);
  }
  return planned;
}

/** The UTC slots of one entry for one person's zone that fall in [from, to). */
function slotsFor(
  program: Program,
  entry: ScheduleEntry,
  asset: Asset,
  timeZone: string,
  from: Date,
  to: Date,
  zones: ZoneCache,
): Date[] {
  const window = program.window;
  if (!window) return [];
  // Spaced returns bring a one-off reinforcement (a guide, a challenge, a nudge) back at growing intervals;
  // a skills check is a measurement and is never repeated.
  const offsets =
    entry.cadence.kind === "once" && asset.kind !== "skills_check" ? [0, ...program.schedule.spacingDays] : [0];
  const slots: Date[] = [];
  // A day either side: a slot moved out of quiet hours may land on the next local day.
  const last = addDays(zones.localDate(to, timeZone), 1);
  for (let date = addDays(zones.localDate(from, timeZone), -1); date <= last; date = addDays(date, 1)) {
    if (date < window.start || date > window.end) continue;
    if (!offsets.some((offset) => occursOn(entry, addDays(date, -offset), window))) continue;
    const slot = zones.slot(date, entry.localTime, program.schedule.quietHours, timeZone);
    if (slot >= from && slot < to) slots.push(slot);
  }
  return slots;
}

/** Whether the entry's cadence falls on this local date (week 1 is the calendar week of the window's start). */
export function occursOn(entry: ScheduleEntry, date: string, window: { start: string; end: string }): boolean {
  if (date < window.start || date > window.end) return false;
  const week = weekOf(date, window.start);
  const cadence = entry.cadence;
  if (cadence.kind === "weekly") {
    return (
      cadence.weekdays.includes(isoWeekday(date)) &&
      week >= cadence.fromWeek &&
      (week - cadence.fromWeek) % cadence.everyWeeks === 0
    );
  }
  const target = cadence.week === "last" ? weekOf(window.end, window.start) : cadence.week;
  return week === target && isoWeekday(date) === cadence.weekday;
}

function weekOf(date: string, windowStart: string): number {
  const monday = addDays(windowStart, 1 - isoWeekday(windowStart));
  return Math.floor(daysBetween(monday, date) / 7) + 1;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

function minutes(localTime: string): number {
  const [h, m] = localTime.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

/** A slot inside quiet hours moves to their end (the next morning when they wrap midnight). */
export function outOfQuietHours(
  date: string,
  localTime: string,
  quiet: { start: string; end: string } | null,
  timeZone: string,
): Date {
  if (!quiet) return zonedTimeToUtc(date, localTime, timeZone);
  const t = minutes(localTime);
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start < end) {
    return t >= start && t < end
      ? zonedTimeToUtc(date, quiet.end, timeZone)
      : zonedTimeToUtc(date, localTime, timeZone);
  }
  if (t >= start) return zonedTimeToUtc(addDays(date, 1), quiet.end, timeZone);
  if (t < end) return zonedTimeToUtc(date, quiet.end, timeZone);
  return zonedTimeToUtc(date, localTime, timeZone);
}
