/**
 * The separator is read off the header: whichever of ";" and "," occurs more often outside quotes.
 * Files with decimal commas use ";" (the European spreadsheet default), so the two never clash.
 */
export function detectSeparator(headerLine: string): ";" | "," {
  let inQuotes = false;
  let commas = 0;
  let semicolons = 0;
  for (const char of headerLine) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && char === ",") commas++;
    else if (!inQuotes && char === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

/** A header cell as a column name: "\uFEFFTeam Name " → "team_name", "Object-ID" → "object_id". */
export function columnName(header: string): string {
  return header
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/** The first line of a file's text, without a BOM. */
export function firstLineOf(text: string): string {
  return text.replace(/^\uFEFF/, "").split(/\r?\n/)[0] ?? "";
}
