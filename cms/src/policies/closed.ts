import { errors } from "@strapi/utils";

/**
 * A content-API route nobody may use, whatever permissions a role is given in the admin panel: Strapi's own upload
 * routes (`/api/upload*`). Editors upload in the admin panel; members set their avatar through
 * `/api/profiles/me/avatar`, which checks the image the same way.
 */
export default () => {
  throw new errors.ForbiddenError(
    "Files are not uploaded or managed through this route: editors use the admin panel's media library, members their settings page.",
  );
};
