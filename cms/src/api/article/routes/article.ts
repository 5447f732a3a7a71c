import { factories } from "@strapi/strapi";

/** Public reads only; editors write through the admin panel and the worker through /generation. */
export default factories.createCoreRouter("api::article.article", {
  only: ["find", "findOne"],
  config: {
    find: { middlewares: ["api::article.populate"] },
    findOne: { middlewares: ["api::article.populate"] },
  },
});
