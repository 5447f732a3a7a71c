/**
 * The CMS answers its member auth routes and its session store only to calls carrying this header with
 * CMS_COMMUNITY_TOKEN: a credential only the community holds, so the CMS is not a second door around its limits.
 */
export const COMMUNITY_HEADER = "x-inkstone-community";

/** The member's address as the community decided it; the CMS believes it only alongside COMMUNITY_HEADER. */
export const CLIENT_ADDRESS_HEADER = "x-inkstone-client-address";
