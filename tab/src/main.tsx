import { FluentProvider, teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme } from "@fluentui/react-components";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { ThemeContext } from "./charts.js";
import { detectHost, type Host, type ThemeName } from "./host.js";

const themes = { default: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

function Root({ host }: { host: Host }) {
  const [theme, setTheme] = useState<ThemeName>(host.theme);
  useEffect(() => {
    if (host.kind === "teams") host.onTheme(setTheme);
  }, [host]);
  return (
    <FluentProvider theme={themes[theme]} data-theme={theme}>
      <ThemeContext.Provider value={theme}>
        <App host={host} />
      </ThemeContext.Provider>
    </FluentProvider>
  );
}

const root = createRoot(document.getElementById("root") as HTMLElement);
detectHost().then((host) => {
  root.render(
    <StrictMode>
      <Root host={host} />
    </StrictMode>,
  );
});
