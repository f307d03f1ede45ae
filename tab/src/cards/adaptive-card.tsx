import { makeStyles, tokens } from "@fluentui/react-components";
import * as AdaptiveCards from "adaptivecards";
import { useContext, useEffect, useRef } from "react";
import { ThemeContext } from "../charts.js";
import { hostConfigFor, teamsThemes } from "./host-config.js";

/** The SDK renders plain HTML; these rules give its buttons and inputs the look of Teams' own controls. */
const useStyles = makeStyles({
  card: {
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    overflow: "hidden",
    maxWidth: "460px",
    "& .ac-pushButton": {
      fontFamily: tokens.fontFamilyBase,
      fontSize: tokens.fontSizeBase300,
      fontWeight: tokens.fontWeightSemibold,
      minHeight: "32px",
      padding: "0 12px",
      borderRadius: tokens.borderRadiusMedium,
      border: `1px solid ${tokens.colorNeutralStroke1}`,
      background: tokens.colorNeutralBackground1,
      color: tokens.colorNeutralForeground1,
      cursor: "pointer",
      flex: "0 1 auto",
    },
    "& .ac-pushButton.style-positive": {
      background: tokens.colorBrandBackground,
      color: tokens.colorNeutralForegroundOnBrand,
      border: `1px solid ${tokens.colorBrandBackground}`,
    },
    "& .ac-pushButton:focus-visible, & .ac-input:focus-visible, & .ac-input *:focus-visible": {
      outline: `2px solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: "1px",
    },
    "& .ac-input, & select.ac-input, & .ac-textInput, & .ac-multichoiceInput": {
      fontFamily: tokens.fontFamilyBase,
      fontSize: tokens.fontSizeBase300,
      color: tokens.colorNeutralForeground1,
      background: tokens.colorNeutralBackground1,
      borderRadius: tokens.borderRadiusMedium,
    },
    "& input.ac-input, & select.ac-input, & textarea.ac-input": {
      border: `1px solid ${tokens.colorNeutralStroke1}`,
      minHeight: "32px",
      padding: "4px 8px",
      boxSizing: "border-box",
    },
  },
});

/**
 * An Adaptive Card drawn by the Adaptive Cards SDK with the Teams host config of the current theme. Its
 * buttons do nothing here: it shows the card, the chat answers it.
 */
export function AdaptiveCardView({ card, label }: { card: Record<string, unknown>; label: string }) {
  const styles = useStyles();
  const theme = useContext(ThemeContext);
  const host = useRef<HTMLDivElement>(null);
  const json = JSON.stringify(card);
  useEffect(() => {
    const target = host.current;
    if (!target) return;
    const adaptive = new AdaptiveCards.AdaptiveCard();
    adaptive.hostConfig = new AdaptiveCards.HostConfig(hostConfigFor(teamsThemes[theme]));
    adaptive.onExecuteAction = () => undefined;
    adaptive.parse(JSON.parse(json));
    const rendered = adaptive.render();
    target.replaceChildren(...(rendered ? [rendered] : []));
  }, [json, theme]);
  return <section ref={host} aria-label={label} className={styles.card} data-card={json} />;
}
