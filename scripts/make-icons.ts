import { writeFileSync } from "node:fs";
import { encodePng, type Image } from "./png.js";

/**
 * Draws the app's icons: a white "T" with a line running through it (the throughline), on the brand
 * colour for the 192×192 colour icon, and alone on transparent for the 32×32 outline icon.
 * Run with `npx tsx scripts/make-icons.ts`; the PNGs are committed.
 */
type Rgba = [number, number, number, number];

function draw(size: number, background: Rgba, foreground: Rgba): Image {
  const pixels = new Uint8Array(size * size * 4);
  const u = size / 32;
  const shapes = [
    { x0: 7, y0: 7, x1: 25, y1: 11 },
    { x0: 14, y0: 11, x1: 18, y1: 26 },
    { x0: 4, y0: 17, x1: 28, y1: 19 },
  ];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const inside = shapes.some((s) => x >= s.x0 * u && x < s.x1 * u && y >= s.y0 * u && y < s.y1 * u);
      pixels.set(inside ? foreground : background, (y * size + x) * 4);
    }
  return { width: size, height: size, pixels };
}

const white: Rgba = [255, 255, 255, 255];
writeFileSync(new URL("../appPackage/color.png", import.meta.url), encodePng(draw(192, [79, 82, 178, 255], white)));
writeFileSync(new URL("../appPackage/outline.png", import.meta.url), encodePng(draw(32, [0, 0, 0, 0], white)));
