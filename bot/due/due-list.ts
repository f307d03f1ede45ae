import { type Asset, addDays, type Delivery, isoWeekday, localDate, zonedTimeToUtc } from "../../src/domain/index.js";
import type { Actor, BotServices } from "../actions/index.js";
import {
  type AdaptiveCardJson,
  type DueListItem,
  dayMonth,
  kindLabels,
  renderCard,
  type TextColor,
  weekdayDayMonth,
} from "../cards/index.js";
import { timeZoneOf } from "../commands/person-time-zone.js";

/** A week rarely holds more; a longer list would crowd the chat and could outgrow Teams' card limit. */
export const MAX_DUE_ITEMS = 12;

const statusOf: Partial<Record<Delivery["status"], { label: string; color: TextColor }>> = {
  scheduled: { label: "Coming up", color: "Default" },
  sent: { label: "To do", color: "Accent" },
  completed: { label: "Done", color: "Good" },
  expired: { label: "Missed", color: "Warning" },
};

/** What the list offers on an open item, by the asset's kind: open its card, and complete it where no answer is needed. */
const openTitles: Record<Asset["kind"], string> = {
  micro_challenge: "Open the challenge",
  talk_track: "Open the talk track",
  conversation_guide: "Open the guide",
  observation_checklist: "Open the checklist",
  nudge: "Open the nudge",
  skills_check: "Open the skills check",
};
const completeTitles: Partial<Record<Asset["kind"], string>> = {
  micro_challenge: "Mark done",
  talk_track: "Mark as used",
  conversation_guide: "Mark as used",
};

export interface DueEntry {
  delivery: Delivery;
  asset: Asset;
}

/**
 * The lines of the list, in slot order. A checklist is one line per team however often it was asked for: of
 * the open ones for the same checklist and team, only the latest shows (it is the one the manager will fill).
 */
export function dueEntries(deliveries: readonly Delivery[], assetOf: (d: Delivery) => Asset | undefined): DueEntry[] {
  const entries = deliveries.flatMap((delivery) => {
    const asset = statusOf[delivery.status] ? assetOf(delivery) : undefined;
    return asset ? [{ delivery, asset }] : [];
  });
  const latestOpenChecklist = new Map<string, string>();
  for (const { delivery, asset } of entries)
    if (asset.kind === "observation_checklist" && isOpen(delivery))
      latestOpenChecklist.set(checklistKey(delivery), delivery.id);
  return entries.filter(
    ({ delivery, asset }) =>
      asset.kind !== "observation_checklist" ||
      !isOpen(delivery) ||
      latestOpenChecklist.get(checklistKey(delivery)) === delivery.id,
  );
}

const isOpen = (d: Delivery) => d.status === "sent" || d.status === "scheduled";
const checklistKey = (d: Delivery) => `${d.programId}/${d.assetId}/${d.teamId}`;

/** The verb that completes an item straight from the list, for kinds whose card needs no answer. */
export function completeVerbOf(kind: Asset["kind"]): "challenge.done" | "guide.done" | undefined {
  if (kind === "micro_challenge") return "challenge.done";
  if (kind === "talk_track" || kind === "conversation_guide") return "guide.done";
  return undefined;
}

/** This week, Monday to Sunday in the person's own time zone. */
async function thisWeek(services: BotServices, actor: Actor) {
  const timeZone = await timeZoneOf(services, actor);
  const today = localDate(services.now(), timeZone);
  const monday = addDays(today, 1 - isoWeekday(today));
  return {
    timeZone,
    from: zonedTimeToUtc(monday, "00:00", timeZone),
    to: zonedTimeToUtc(addDays(monday, 7), "00:00", timeZone),
    sunday: zonedTimeToUtc(addDays(monday, 6), "12:00", timeZone),
  };
}

/**
 * The person's "what's due" card: this week's items, each still to do with a button that opens its card
 * again (and, for a challenge or a guide, one that completes it), and a line that says so when nothing is due.
 */
export async function dueListCard(
  services: BotServices,
  actor: Actor,
  tabUrl: string,
  notice?: { text: string; color: TextColor },
): Promise<AdaptiveCardJson> {
  const { storage } = services;
  const week = await thisWeek(services, actor);
  const deliveries: Delivery[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await storage.deliveries.forRecipient(actor.tenantId, actor.objectId, week, { continuationToken });
    deliveries.push(...page.items.map((v) => v.value));
    continuationToken = page.continuationToken;
  } while (continuationToken);

  const assets = new Map<string, Asset | undefined>();
  for (const d of deliveries) {
    const key = `${d.programId}/${d.assetId}`;
    if (!assets.has(key)) assets.set(key, (await storage.assets.get(actor.tenantId, d.programId, d.assetId))?.value);
  }
  const entries = dueEntries(deliveries, (d) => assets.get(`${d.programId}/${d.assetId}`));
  const items: DueListItem[] = entries.map(({ delivery, asset }) => {
    const status = statusOf[delivery.status] ?? { label: delivery.status, color: "Default" as const };
    const open = delivery.status === "sent";
    return {
      deliveryId: delivery.id,
      title: asset.title,
      kindLabel: kindLabels[asset.kind],
      when: weekdayDayMonth(delivery.slot, week.timeZone),
      status: status.label,
      statusColor: status.color,
      canOpen: open,
      openTitle: openTitles[asset.kind],
      canComplete: open && completeVerbOf(asset.kind) !== undefined,
      completeTitle: completeTitles[asset.kind] ?? "",
    };
  });
  const pending = entries.filter((e) => isOpen(e.delivery)).length;
  const heading = `Due this week · ${dayMonth(week.from, week.timeZone)} – ${dayMonth(week.sunday, week.timeZone)}`;
  return renderCard("due-list", {
    heading,
    hasNotice: notice !== undefined,
    notice: notice?.text ?? "",
    noticeColor: notice?.color ?? "Default",
    hasItems: items.length > 0,
    emptyText: "Nothing is due this week. Enjoy the quiet — or type log observation to rate your team.",
    allDone: items.length > 0 && pending === 0,
    allDoneText: "Nothing left to do this week.",
    items: items.slice(0, MAX_DUE_ITEMS),
    hasMore: items.length > MAX_DUE_ITEMS,
    moreText: `…and ${items.length - MAX_DUE_ITEMS} more this week. Open Throughline for the full list.`,
    tabUrl,
  });
}
