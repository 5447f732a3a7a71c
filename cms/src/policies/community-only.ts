import { CLIENT_ADDRESS_HEADER, COMMUNITY_HEADER } from "@inkstone/config";
import { errors } from "@strapi/utils";
import { clientAddress, isCommunityCredential } from "../lib/community.ts";
import { badInput } from "../lib/text.ts";

type PolicyContext = {
  request: { headers: Record<string, string | string[] | undefined>; ip: string };
  state: { clientAddress?: string };
};

/**
 * The doors only the community's server may use: member sign-in and sign-up, the users-permissions routes and
 * member sessions. The community proves itself with CMS_COMMUNITY_TOKEN in `x-inkstone-community`; anyone else
 * gets 403, the same answer Strapi gives an anonymous caller on a route they may not use, so a refusal looks the
 * same whichever check refused it. With the credential, `x-inkstone-client-address` names the member's address
 * (`ctx.state.clientAddress`, used by the sign-in throttle); without it the header is never read.
 */
export default (policyContext: PolicyContext) => {
  const { headers } = policyContext.request;
  if (!isCommunityCredential(headers[COMMUNITY_HEADER]))
    throw new errors.ForbiddenError("This route answers the community's server only.");
  const given = headers[CLIENT_ADDRESS_HEADER];
  if (given === undefined) return true;
  const address = clientAddress(given);
  if (!address) throw badInput(CLIENT_ADDRESS_HEADER, "expected an IPv4 or IPv6 address");
  policyContext.state.clientAddress = address;
  return true;
};
