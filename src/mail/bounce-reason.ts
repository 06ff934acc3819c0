/**
 * Why a delivery failed, in sisimai's reason names (https://libsisimai.org/en/reason/),
 * and whether it is hard: only a reason that means "this address does not
 * exist" is. A full mailbox, a spam filter, a block list or a timeout say
 * nothing about the address, so they never silence it for long.
 */
export type BounceReason =
  | 'userunknown'
  | 'hostunknown'
  | 'notaccepted'
  | 'mailboxfull'
  | 'filtered'
  | 'blocked'
  | 'spamdetected'
  | 'securityerror'
  | 'expired'
  | 'ratelimited'
  | 'suspend'
  | 'hasmoved'
  | 'rejected'
  | 'mesgtoobig'
  | 'exceedlimit'
  | 'mailererror'
  | 'systemerror'
  | 'networkerror'
  | 'norelaying'
  | 'undefined';

const HARD: readonly BounceReason[] = ['userunknown', 'hostunknown', 'notaccepted'];

export function isHard(reason: BounceReason): boolean {
  return HARD.includes(reason);
}

/**
 * The server's words, in order: the first reason whose words match wins
 * (the more telling ones first: "user unknown" beside a generic 5.7.1 is
 * still an unknown user, a block list named in a 5.1.1 is still a block).
 */
const WORDS: readonly [BounceReason, RegExp][] = [
  ['notaccepted', /null mx|does not accept (e-?)?mail|domain does not (receive|accept)/],
  ['mailererror', /mailer error|command died|procmail:|x-unix;|pipe to .{0,100} failed|local delivery failed/],
  ['ratelimited', /rate.?limit|too many (messages|mails|emails|recipients|connections)|throttl|sending rate|try again later.{0,100}(limit|too many)/],
  ['blocked', /blacklist|blocklist|block list|black list|spamhaus|dnsbl|\brbl\b|sorbs|barracuda|blocked using|ip .{0,100} (blocked|rejected)|client host .{0,100} (blocked|rejected)|connection refused by|please use the smtp server of your isp|reverse dns|ptr record/],
  ['spamdetected', /spam|junk mail|bulk mail|unsolicited|content (rejected|looks)|message (looks|considered) (like )?(unsolicited|suspicious)/],
  ['expired', /delivery time expired|retry time(out)? (not )?(exceeded|reached)|message expired|has been delayed|could not be delivered (for|within) \d+|too long in (the )?queue|queue ?time|giving up/],
  ['mailboxfull', /mailbox (is )?full|mailbox.{0,100}(over|exceed).{0,100}(quota|limit|size)|over ?quota|quota (exceeded|full)|exceeded (storage|quota)|insufficient (disk )?(space|storage)|not enough (disk )?(space|storage)|disk (is )?full|mailbox size limit|user is over/],
  ['suspend', /account (is )?(disabled|suspended|inactive|deactivated|locked)|mailbox (is )?(disabled|suspended|inactive|frozen)|user (is )?(suspended|disabled|inactive)/],
  ['hasmoved', /has moved|user not local|no longer (active|valid) at this address/],
  ['hostunknown', /host unknown|unknown host|host not found|domain (name )?not found|no such domain|unrouteable (mail )?domain|name or service not known|host or domain name not found|nxdomain|no mx (record|host)|domain .{0,100} does not exist/],
  [
    'userunknown',
    /user ?unknown|unknown (user|recipient|address|mailbox|local.?part)|no such (user|mailbox|recipient|address|account)|(user|recipient|mailbox|address|account) (\S+ )?(not found|does not exist|doesn't exist|not known)|recip(ient)?notfound|not listed in (domino|the) directory|recipient name is not recognized|invalid (recipient|mailbox|address)|mailbox not found|no mailbox|unrouteable address|user doesn't have|is not a valid mailbox|not our customer|addressee unknown/,
  ],
  ['filtered', /filtered|content filter|rejected by (the )?(recipient|user)|refused by (the )?recipient|rejected for policy|policy reasons/],
  ['securityerror', /access denied|authentication (required|failed)|not authenticated|spf (check )?fail|dmarc|dkim.{0,100}fail|sender verify failed|tls required|encryption required/],
  ['norelaying', /relay(ing)? (access )?(denied|not permitted|prohibited)|not permitted to relay|unable to relay|we do not relay/],
  ['mesgtoobig', /message (size )?(exceeds|too (big|large))|size limit|message is too (big|large)/],
  ['rejected', /sender (address )?rejected|sender (is )?(denied|refused)|domain of sender .{0,100} (does not exist|not found)/],
  ['networkerror', /connection (timed out|refused|reset)|network is unreachable|no route to host|lost connection/],
  ['systemerror', /system error|internal (server )?error|local configuration error|temporary failure|too many hops|mail loop|loops back/],
];

/** RFC 3463 subjects and details, when the words say nothing. */
function byStatus(status: string | null): BounceReason {
  if (!status) return 'undefined';
  const [, subject, detail] = status.split('.').map(Number);
  const code = `${subject}.${detail}`;
  const exact: Record<string, BounceReason> = {
    '1.1': 'userunknown',
    '1.2': 'hostunknown',
    '1.3': 'userunknown',
    '1.4': 'userunknown',
    '1.6': 'hasmoved',
    '1.7': 'rejected',
    '1.8': 'rejected',
    '1.10': 'notaccepted',
    '2.1': 'suspend',
    '2.2': 'mailboxfull',
    '2.3': 'exceedlimit',
    '3.4': 'mesgtoobig',
    '4.7': 'expired',
    '7.1': 'securityerror',
    '7.0': 'securityerror',
  };
  if (exact[code]) return exact[code];
  if (subject === 3) return 'systemerror';
  if (subject === 4) return 'networkerror';
  if (subject === 7) return 'securityerror';
  return 'undefined';
}

/** Reasons about the address itself: a security or policy status (x.7.x) is never one of them, whatever label its words carry. */
const ABOUT_ADDRESS: readonly BounceReason[] = ['userunknown', 'hostunknown', 'notaccepted', 'mailboxfull', 'suspend', 'hasmoved'];

/** The reason of one failed recipient, from its status code and the server's words about it. */
export function reasonOf(status: string | null, words: string | null): BounceReason {
  // The first 8 kB say why; the rest of a long report is not worth the regex time.
  const w = (words ?? '').slice(0, 8192).toLowerCase().replace(/\s+/g, ' ');
  const policy = status !== null && status.split('.')[1] === '7';
  for (const [reason, re] of WORDS) if (!(policy && ABOUT_ADDRESS.includes(reason)) && re.test(w)) return reason;
  return byStatus(status);
}
