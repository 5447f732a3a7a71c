import { errors } from "@strapi/utils";

const FILES =
  "Files are not uploaded or managed through this route: editors use the admin panel's media library, members their settings page.";

/**
 * A content-API route nobody may use, whatever permissions a role is given in the admin panel: Strapi's own upload
 * routes (`/api/upload*`; editors upload in the admin panel, members set their avatar through
 * `/api/profiles/me/avatar`) and users-permissions' own mail flows (Inkstone's are `/api/accounts/*`). The route's
 * policy config may say where to go instead (`{ message }`).
 */
export default (_context: unknown, config?: { message?: string }) => {
  throw new errors.ForbiddenError(config?.message ?? FILES);
};
