import { factories } from "@strapi/strapi";

/** Public reads of member profiles; a member edits their own through /profiles/me. */
export default factories.createCoreRouter("api::profile.profile", { only: ["find", "findOne"] });
