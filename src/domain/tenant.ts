import { z } from "zod";
import { entraIdSchema, isoDateTimeSchema, nameSchema, parseWith, uniqueList } from "./validation.js";

/** One Microsoft Entra tenant. Every other record belongs to exactly one. */
export const tenantSchema = z.object({
  id: entraIdSchema,
  displayName: nameSchema,
  /** Entra object ids of the people who may administer Throughline in this tenant. */
  adminObjectIds: uniqueList(entraIdSchema).default([]),
  createdAt: isoDateTimeSchema,
});

export type Tenant = z.output<typeof tenantSchema>;
export type TenantInput = z.input<typeof tenantSchema>;

export function parseTenant(input: unknown): Tenant {
  return parseWith(tenantSchema, input, "tenant");
}
