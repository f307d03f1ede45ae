import { type Asset, addDays, type Delivery, isoWeekday, localDate, zonedTimeToUtc } from "../../src/domain/index.js";
import { dayMonth, kindLabels, renderCard, weekdayDayMonth } from "../cards/index.js";
import type { CommandHandler } from "./command-context.js";
import { timeZoneOf } from "./person-time-zone.js";

const statusLabels: Partial<Record<Delivery["status"], string>> = {
  scheduled: "Coming up",
  sent: "To do",
  completed: "✅ Done",
  expired: "Missed",
};

/** This week's deliveries to the person (Monday to Sunday in their own time zone), in slot order. */
export const whatsDue: CommandHandler = async ({ services, actor }) => {
  const { storage } = services;
  const timeZone = await timeZoneOf(services, actor);
  const today = localDate(services.now(), timeZone);
  const monday = addDays(today, 1 - isoWeekday(today));
  const range = {
    from: zonedTimeToUtc(monday, "00:00", timeZone),
    to: zonedTimeToUtc(addDays(monday, 7), "00:00", timeZone),
  };

  const deliveries: Delivery[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await storage.deliveries.forRecipient(actor.tenantId, actor.objectId, range, { continuationToken });
    deliveries.push(...page.items.map((v) => v.value));
    continuationToken = page.continuationToken;
  } while (continuationToken);

  const assets = new Map<string, Asset | undefined>();
  const items = [];
  for (const delivery of deliveries) {
    const status = statusLabels[delivery.status];
    if (!status) continue;
    const key = `${delivery.programId}/${delivery.assetId}`;
    if (!assets.has(key))
      assets.set(key, (await storage.assets.get(actor.tenantId, delivery.programId, delivery.assetId))?.value);
    const asset = assets.get(key);
    if (!asset) continue;
    items.push({
      title: asset.title,
      kindLabel: kindLabels[asset.kind],
      when: weekdayDayMonth(delivery.slot, timeZone),
      status,
    });
  }
  const sunday = zonedTimeToUtc(addDays(monday, 6), "12:00", timeZone);
  return [
    {
      summary: "Due this week",
      card: renderCard("due-list", {
        heading: `Due this week · ${dayMonth(range.from, timeZone)} – ${dayMonth(sunday, timeZone)}`,
        hasItems: items.length > 0,
        emptyText: "Nothing is due this week. Enjoy the quiet — or type log observation to rate your team.",
        items,
      }),
    },
  ];
};
