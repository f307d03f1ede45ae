/** Groups smaller than this show no figures that could point at one person. */
export const DEFAULT_MIN_GROUP_SIZE = 5;

export function isSmallGroup(size: number, minimum = DEFAULT_MIN_GROUP_SIZE): boolean {
  return size < minimum;
}
