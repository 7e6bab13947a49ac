// `npm run perf -- <suite> [args]`: runs perf/<suite>.ts, which exports `main(argv)`.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const [suite, ...args] = process.argv.slice(2);
if (!suite || !/^[a-z0-9-]+$/.test(suite)) {
  console.error("usage: npm run perf -- <suite> [args]   (suite = a file perf/<suite>.ts)");
  process.exit(2);
}
const file = join(fileURLToPath(new URL(".", import.meta.url)), `${suite}.ts`);
if (!existsSync(file)) {
  console.error(`unknown perf suite '${suite}': no ${file}`);
  process.exit(2);
}
const module = (await import(pathToFileURL(file).href)) as { main?: (argv: string[]) => Promise<void> };
if (typeof module.main !== "function") {
  console.error(`perf/${suite}.ts does not export main(argv)`);
  process.exit(2);
}
await module.main(args);
