// Requests for resources an attacker hunts for, matched on the decoded, lower-cased path. Directories
// match as prefixes (`/.git/` and below), files by name or family (`/.env.production`, `backup.sql.gz`).
// `/.well-known/` is excluded before this runs, and `security.ignorePaths` too.
//
// ENTRY_POINT rules name software a site may really run (WordPress, phpMyAdmin, an admin script):
// they count only when the server did not serve the path (a 4xx/5xx answer, or no status logged),
// so visitors of a real WordPress site are not probes. The others (secrets, backups, webshells)
// count whatever the answer: a 200 on /.env is the worst case, not a reason to stay quiet.
import type { Signature } from './signatures.js';

export const SENSITIVE_FILE: readonly Signature[] = [
  { rule: 'sensitive-env-file', re: /(?:^|\/)\.env(?:rc|\.[\w.-]{1,40})?(?:\/|$)|(?:^|\/)\.dockerenv$/ },
  { rule: 'sensitive-vcs', re: /(?:^|\/)\.(?:git|svn|hg|bzr|cvs)(?:\/|$)|(?:^|\/)\.git(?:config|-credentials|ignore)$|(?:^|\/)cvs\/(?:root|entries)$/ },
  { rule: 'sensitive-cloud-credentials', re: /(?:^|\/)\.(?:aws|ssh|docker|kube|azure|gnupg)\/|(?:^|\/)\.config\/gcloud\/|(?:^|\/)(?:aws\/credentials|credentials\.json|application_default_credentials\.json|service[-_]?account[\w-]{0,40}\.json|id_(?:rsa|dsa|ecdsa|ed25519)(?:\.pub)?|(?:server|private|privkey)\.(?:key|pem))$|(?:^|\/)\.(?:s3cfg|boto|dockercfg|npmrc|pypirc|netrc|pgpass|my\.cnf|htpasswd|htaccess|git-credentials)$/ },
  { rule: 'sensitive-history', re: /(?:^|\/)\.(?:bash|zsh|sh|mysql|psql|python|node_repl|sqlite)_history$|(?:^|\/)\.history$|(?:^|\/)\.ds_store$/ },
  // Editor and AI-assistant settings (.vscode/sftp.json holds server passwords; .claude/, .cursor/ hold keys and rules).
  { rule: 'sensitive-tool-config', re: /(?:^|\/)\.(?:vscode\/sftp\.json|idea\/|claude\/|cursor\/|continue\/|aider[\w.-]{0,20}|roo\/|zed\/|cline\/|kiro\/|windsurf\/|rovodev\/|codex\/|opencode\/|a0proj\/|plandex\/|fabric\/|n8n\/|junie\/|aiignore$|cursorignore$|cursorrules$)|(?:^|\/)sftp-config\.json$/ },
  { rule: 'sensitive-backup', re: /\.(?:sql|sqlite3?|db3?|mdb|bak|backup|old|orig|save|swp|swo|dump|tmp)(?:\.(?:gz|zip|bz2|xz|7z|tar))?$|(?:^|\/)(?:backups?|dump|db|database|site|www|wwwroot|htdocs|public_html|website|web|html|archive|old|data)\.(?:zip|tar|tar\.gz|tgz|gz|rar|7z|bz2)$|[^/]~$/ },
  // Configuration that holds passwords or reveals the stack: Rails, Django, Laravel, Symfony, Spring, .NET, Node, PHP, Docker.
  { rule: 'sensitive-framework-secret', re: /(?:^|\/)(?:database\.yml|secrets\.yml|master\.key|credentials\.yml\.enc|storage\.yml|(?:local_)?settings\.py|parameters\.yml|application(?:-\w{1,20})?\.(?:properties|ya?ml)|appsettings(?:\.\w{1,20})?\.json|web\.config|docker-compose(?:\.[\w-]{1,20})?\.ya?ml|dockerfile|package(?:-lock)?\.json|yarn\.lock|composer\.(?:json|lock)|gemfile(?:\.lock)?|config\.(?:php|inc(?:\.php)?|ya?ml|json|js)|configuration\.php|settings\.(?:php|inc)|localsettings\.php|local\.xml|wp-config[\w.-]{0,20}|\.travis\.yml|\.gitlab-ci\.yml|bitbucket-pipelines\.yml|phpunit\.xml|\.user\.ini|php\.ini)$/ },
  // Logs in the web root: wp-content/debug.log, storage/logs/laravel.log, error_log.
  { rule: 'sensitive-log-file', re: /(?:^|\/)(?:debug|error|errors|access|laravel|php_errors?|install|npm-debug|yarn-error)\.log$|(?:^|\/)error_log$|(?:^|\/)storage\/logs\// },
  // Dev servers left reachable: Vite's /@fs/ reads any file, /@id/__x00__ any module.
  { rule: 'probe-dev-server', re: /(?:^|\/)@fs\/|(?:^|\/)@id\/__x00__/ },
  // Webshells left by earlier intrusions: wso.php, c99.php, r57.php, b374k, alfa, shell.php...
  { rule: 'probe-webshell', re: /(?:^|\/)(?:wso\d{0,3}|c99|c100|r57|b374k|shell\d{0,3}|sh3ll|cmd|alfa(?:shell|-?rex|_data)?|indoxploit|webshell|backdoor|priv8|leafmailer|adminer-\d[\w.-]{0,10}|up(?:load)?er|wp-(?:shell|vcd)|phpshell|fox|mini|marijuana|bypass|0byte|simple-backdoor|ws[o0]{1,2}\d{0,3}|[a-z]{0,4}xx\d{0,3})\.(?:php\d?|phtml|asp|aspx|jsp|cgi)$/ },
];

/** Software entry points: probes only when the server did not serve them. */
export const ENTRY_POINT: readonly Signature[] = [
  // phpMyAdmin and its names: pma, myadmin, phpMyAdmin-5.2.1, phpmyadmin2, PMA2005, mysql-admin, sqladmin...
  { rule: 'probe-phpmyadmin', re: /(?:^|\/)(?:php-?my-?admin[\w.-]{0,20}|(?:php)?pma\d{0,4}|my-?admin|mysql-?admin|mysql-?manager|sql-?admin|sqlmanager|db-?admin|dbweb|websql|phpmanager|pmd|admin\/pma|tools\/pma|phpmyadmin\d{0,4})(?:\/|$)/ },
  { rule: 'probe-admin-script', re: /(?:^|\/)(?:admin|administrator|adm|admin1|admin2|admin_login|adminpanel|panel|cpanel|controlpanel|login_admin|moderator|webadmin|siteadmin|manager|backend|dashboard|system)\.(?:php\d?|asp|aspx|jsp|cgi|pl)$/ },
  // FCKeditor, CKFinder, KCFinder, elFinder, TinyMCE file managers: old upload holes.
  { rule: 'probe-editor-upload', re: /(?:^|\/)(?:fck-?editor|ckfinder|kcfinder|elfinder|filemanager\/(?:connectors|upload|dialog)|editor\/filemanager|tiny_?mce\/plugins\/(?:filemanager|ajaxfilemanager|imagemanager)|ajaxfilemanager|ofc_upload_image)/ },
  // Webmail a site does not run: v-webmail, extmail, and /mail or /mails at the site's root (a
  // request path, or a file path under a usual document root: /var/www, /srv/http, ~/public_html).
  { rule: 'probe-webmail', re: /(?:^|\/)(?:v-?webmail|extmail|squirrelmail|rainloop|snappymail)(?:\/|$)|^(?:\/var\/www(?:\/html)?|\/srv\/(?:www|http)(?:\/htdocs)?|\/home\/[^/]{1,64}\/(?:public_html|www|htdocs)|\/usr\/share\/nginx\/html|\/usr\/local\/www)?\/mails?(?:\/|$)/ },
  // Scripts attack tools hunt for: TimThumb (remote code execution), p.mapper (remote file inclusion),
  // Mail This Entry (mail relay), proxy judges (azenv.php: is this server an open proxy?).
  { rule: 'probe-exploit-target', re: /(?:^|\/)(?:timthumb\.php|azenv\.php|mail_this_entry|pmapper(?:-\d[\w.-]{0,20})?)(?:\/|$)/ },
  { rule: 'sensitive-admin-panel', re: /(?:^|\/)(?:wp-admin|wp-includes|wp-content|administrator|cgi-bin|boaform|jmx-console|web-console|invoker|_profiler|telescope|horde|roundcube|webmail|solr\/admin|manager\/html|host-manager|axis2(?:-admin)?|hnap1|_ignition|console|druid)(?:\/|$)|(?:^|\/)(?:wp-login|xmlrpc|wp-config|phpinfo|info|test|adminer[\w.-]{0,20}|setup-config|install|eval-stdin)\.php(?:[.~].{0,10})?$|(?:^|\/)vendor\/phpunit\/|(?:^|\/)server-(?:status|info)$|(?:^|\/)actuator(?:\/|$)/ },
];

/** True for an HTTP status that says the server served the resource (2xx, 3xx). */
export function served(status: number): boolean {
  return status >= 200 && status < 400;
}
