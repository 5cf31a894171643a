// Spam and e-mail-harvesting bots, by the user agent they send: fail2ban's apache-badbots list, carried
// as data under its licence (GPL-2.0-or-later; see THIRD-PARTY-NOTICES.md). Taken from
// fail2ban/fail2ban config/filter.d/apache-badbots.conf at commit deffcbcd1712a3a0cbd79c1da324096ebf36d306,
// its regex escapes removed (`Jorgee` keeps only the name; scan4mail's optional slash is both forms).
// As in fail2ban, an agent matches when it ENDS with one of these names: a browser string that merely
// mentions one does not. Reported as a `scanner` finding (low severity), like attack tools' agents.
export const BAD_BOT_RULE = 'scanner-bad-bot';

const BAD_BOTS: readonly string[] = [
  'EmailCollector', 'WebEMailExtrac', 'TrackBack/1.02', 'sogou music spider', 'Jorgee', 'Atomic_Email_Hunter/4.0',
  'atSpider/1.0', 'autoemailspider', 'bwh3_user_agent', 'China Local Browse 2.6', 'ContactBot/0.2', 'ContentSmartz',
  'DataCha0s/2.0', 'DBrowse 1.4b', 'DBrowse 1.4d', 'Demo Bot DOT 16b', 'Demo Bot Z 16b', 'DSurf15a 01',
  'DSurf15a 71', 'DSurf15a 81', 'DSurf15a VA', 'EBrowse 1.4b', 'Educate Search VxB', 'EmailSiphon', 'EmailSpider',
  'EmailWolf 1.00', 'ESurf15a 15', 'ExtractorPro', 'Franklin Locator 1.8', 'FSurf15a 01', 'Full Web Bot 0416B',
  'Full Web Bot 0516B', 'Full Web Bot 2816B', 'Guestbook Auto Submitter', 'Industry Program 1.0.x',
  'ISC Systems iRc Search 2.1', 'IUPUI Research Bot v 1.9a', 'LARBIN-EXPERIMENTAL (efp@gmx.net)',
  'LetsCrawl.com/1.0 +http://letscrawl.com/', 'Lincoln State Web Browser', 'LMQueueBot/0.2', 'LWP::Simple/5.803',
  'Mac Finder 1.0.xx', 'MFC Foundation Class Library 4.0', 'Microsoft URL Control - 6.00.8xxx',
  'Missauga Locate 1.0.0', 'Missigua Locator 1.9', 'Missouri College Browse', 'Mizzu Labs 2.2', 'Mo College 1.9',
  'MVAClient', 'Mozilla/2.0 (compatible; NEWT ActiveX; Win32)', 'Mozilla/3.0 (compatible; Indy Library)',
  'Mozilla/3.0 (compatible; scan4mail (advanced version) http://www.peterspages.net/scan4mail)',
  'Mozilla/3.0 (compatible; scan4mail (advanced version) http://www.peterspages.netscan4mail)',
  'Mozilla/4.0 (compatible; Advanced Email Extractor v2.xx)',
  'Mozilla/4.0 (compatible; Iplexx Spider/1.0 http://www.iplexx.at)',
  'Mozilla/4.0 (compatible; MSIE 5.0; Windows NT; DigExt; DTS Agent', 'Mozilla/4.0 efp@gmx.net',
  'Mozilla/5.0 (Version: xxxx Type:xx)', 'NameOfAgent (CMS Spider)', 'NASA Search 1.0', 'Nsauditor/1.x',
  'PBrowse 1.4b', 'PEval 1.4b', 'Poirot', 'Port Huron Labs', 'Production Bot 0116B', 'Production Bot 2016B',
  'Production Bot DOT 3016B', 'Program Shareware 1.0.2', 'PSurf15a 11', 'PSurf15a 51', 'PSurf15a VA', 'psycheclone',
  'RSurf15a 41', 'RSurf15a 51', 'RSurf15a 81', 'searchbot admin@google.com', 'ShablastBot 1.0',
  'snap.com beta crawler v0', 'Snapbot/1.0', 'Snapbot/1.0 (Snap Shots&#44; +http://www.snap.com)',
  'sogou develop spider', 'Sogou Orion spider/3.0(+http://www.sogou.com/docs/help/webmasters.htm#07)',
  'sogou spider', 'Sogou web spider/3.0(+http://www.sogou.com/docs/help/webmasters.htm#07)', 'sohu agent',
  'SSurf15a 11 ', 'TSurf15a 11', 'Under the Rainbow 2.2',
  'User-Agent: Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)', 'VadixBot',
  'WebVulnCrawl.unknown/1.0 libwww-perl/5.803', 'Wells Search II', 'WEP Search 00',
];

/** True when the user agent ends with the name of a known spam or harvesting bot. */
export function isBadBot(ua: string): boolean {
  for (const name of BAD_BOTS) if (ua.endsWith(name)) return true;
  return false;
}
