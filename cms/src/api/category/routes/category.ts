import { factories } from "@strapi/strapi";

/** Public reads only; editors manage categorys in the admin panel. */
export default factories.createCoreRouter("api::category.category", { only: ["find", "findOne"] });
