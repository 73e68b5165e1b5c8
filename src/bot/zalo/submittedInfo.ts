import { z } from 'zod';

/** What a user_submit_info form carried, trimmed; `raw` as Zalo sent it. */
export interface SubmittedInfo {
  name?: string;
  /** As Zalo sends it, usually 84xxxxxxxxx. */
  phone?: string;
  address?: string;
  ward?: string;
  district?: string;
  city?: string;
  raw: Record<string, unknown>;
}

const looseString = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .optional();

/**
 * Zalo has sent both a flat info {name, phone, address, city, district, ward} and one with
 * full_address {user_address, user_ward, user_city} (research SPEC §13.5); accept both.
 */
export function submittedInfo(raw: Record<string, unknown>): SubmittedInfo {
  const nested =
    typeof raw.full_address === 'object' && raw.full_address !== null
      ? (raw.full_address as Record<string, unknown>)
      : {};
  const pick = (...values: unknown[]): string | undefined => {
    for (const v of values) {
      const parsed = looseString.safeParse(v);
      if (parsed.success && parsed.data !== undefined && parsed.data.trim().length > 0)
        return parsed.data.trim();
    }
    return undefined;
  };
  const fields = {
    name: pick(raw.name),
    phone: pick(raw.phone),
    address: pick(raw.address, nested.user_address),
    ward: pick(raw.ward, nested.user_ward),
    district: pick(raw.district, nested.user_district),
    city: pick(raw.city, nested.user_city),
  };
  const info: SubmittedInfo = { raw };
  for (const [k, v] of Object.entries(fields) as [keyof typeof fields, string | undefined][]) {
    if (v !== undefined) info[k] = v;
  }
  return info;
}
