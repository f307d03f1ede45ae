/**
 * Input ids carry what an answer is about. ":" appears in neither Entra object ids nor our ids, so an id
 * splits back unambiguously; the server still checks every part against storage before writing.
 */
export const inputIds = {
  rating: (memberObjectId: string, behaviourId: string) => `lvl:${memberObjectId}:${behaviourId}`,
  note: (memberObjectId: string) => `note:${memberObjectId}`,
  answer: (questionId: string) => `q:${questionId}`,
};

export function parseRatingInputId(key: string): { memberObjectId: string; behaviourId: string } | undefined {
  const parts = key.split(":");
  if (parts.length !== 3 || parts[0] !== "lvl" || !parts[1] || !parts[2]) return undefined;
  return { memberObjectId: parts[1], behaviourId: parts[2] };
}

export function parseNoteInputId(key: string): string | undefined {
  const parts = key.split(":");
  return parts.length === 2 && parts[0] === "note" && parts[1] ? parts[1] : undefined;
}
