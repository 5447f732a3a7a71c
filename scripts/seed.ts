// `npm run seed`: loads the demo content into the running stack's CMS (idempotent; `npm start` does it on first run).
import { withCms } from "./cms-script.ts";
import { progressBar } from "./progress.ts";

const { created } = await withCms<{ created: number }>((strapi, load) =>
  load("lib/seed/index.js").seed(strapi, progressBar("Seeding")),
);
console.log(created ? `Loaded ${created} new entries of demo content.` : "The demo content is already there.");
process.exit(0);
