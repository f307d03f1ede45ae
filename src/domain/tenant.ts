import { z } from "zod";
import { entraIdSchema, isoDateTimeSchema, nameSchema, parseWith, uniqueList } from "./validation.js";

/** Where a tenant's display name came from: the directory (Graph), a stand-in until it can be read, or given. */
export const tenantNameSources = ["directory", "placeholder", "given"] as const;

/** One Microsoft Entra tenant. Every other record belongs to exactly one. */
export const tenantSchema = z.object({
  id: entraIdSchema,
  displayName: nameSchema,
  nameSource: z.enum(tenantNameSources).default("given"),
  /**
   * Admins named in Throughline (beside everyone holding the Entra app role `Admin`, who needs no entry):
   * Entra object ids.
   */
  adminObjectIds: uniqueList(entraIdSchema).default([]),
  createdAt: isoDateTimeSchema,
});

export type Tenant = z.output<typeof tenantSchema>;
export type TenantInput = z.input<typeof tenantSchema>;

export function parseTenant(input: unknown): Tenant {
  return parseWith(tenantSchema, input, "tenant");
}

/** The name a tenant carries until the directory can be read: says plainly that it is not the real one. */
export function placeholderTenantName(tenantId: string): string {
  return `Tenant ${tenantId.slice(0, 8)} (name not read from the directory yet)`;
}
