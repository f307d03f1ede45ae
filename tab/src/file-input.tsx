import { makeStyles, tokens } from "@fluentui/react-components";

/** The browser's own file picker (keyboard and screen readers know it), with its button drawn as a Fluent one. */
const useStyles = makeStyles({
  input: {
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    color: tokens.colorNeutralForeground1,
    "::file-selector-button": {
      fontFamily: tokens.fontFamilyBase,
      fontSize: tokens.fontSizeBase300,
      fontWeight: tokens.fontWeightSemibold,
      minHeight: "32px",
      padding: "0 12px",
      marginRight: "12px",
      borderRadius: tokens.borderRadiusMedium,
      border: `1px solid ${tokens.colorNeutralStroke1}`,
      backgroundColor: tokens.colorNeutralBackground1,
      color: tokens.colorNeutralForeground1,
      cursor: "pointer",
    },
    "::file-selector-button:hover": { backgroundColor: tokens.colorNeutralBackground1Hover },
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "2px" },
  },
});

export function FileInput({ label, chosen }: { label: string; chosen: (file: File | null) => void }) {
  const styles = useStyles();
  return (
    <input
      className={styles.input}
      type="file"
      accept=".csv,text/csv"
      aria-label={label}
      onChange={(e) => chosen(e.target.files?.[0] ?? null)}
    />
  );
}
