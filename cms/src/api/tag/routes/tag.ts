import { factories } from "@strapi/strapi";

/** Public reads only; editors manage tags in the admin panel. */
export default factories.createCoreRouter("api::tag.tag", { only: ["find", "findOne"] });
