// Command names for the command-injection judge (command.ts), in the tiers it needs.

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/));

/** Executables no sentence or tag list contains: after a separator they need no argument. */
export const SHELL_ONLY = words(`
  whoami uname ifconfig ipconfig netstat systeminfo tasklist nslookup ncat netcat socat busybox sh ksh csh tcsh
  powershell pwsh cmd cmd.exe certutil bitsadmin mshta rundll32 regsvr32 wscript cscript wmic schtasks getent lsof
  killall pkill setsid xterm traceroute tracert printenv hostnamectl lsb_release crontab useradd usermod userdel
  groupadd chpasswd visudo sudoedit chmod chown chgrp mkfifo mknod tcpdump iptables nft insmod modprobe dmesg
  journalctl systemctl launchctl nohup strace ltrace gdb xxd hexdump base32 uconv zstdcat xzcat bzcat zcat unxz
  gunzip bunzip2 lwp-download lwp-request wget nc rmt rmt-dump lastlog cpulimit sysctl ipcs ldconfig ldd objdump
  readelf gcore pstree pgrep nmcli iwconfig arp route ss tshark ngrep nping hping3 masscan msfconsole msfvenom
  mysqldump pg_dump sqlite3 psql redis-cli mongo mongosh aa-disable aa-status apparmor_parser setenforce getenforce
  ansible ansible-config ansible-console ansible-doc ansible-galaxy ansible-inventory ansible-playbook ansible-pull
  ansible-vault chef-client chef-run chef-shell chef-solo chef-vault cscli bsdtar c89 c99 irb regedit bcdboot
  aptitude htop iwmi bcdboot rmt-tar lastlogin ssh-copy-id
`);

/** Fetch a URL: `curl http://...` at the start of a value is already a command line. */
export const FETCHERS = words(`wget curl lwp-download lwp-request fetch tftp ftp aria2c axel lynx links w3m`);

/** Interpreters, named in tag lists and prose: need a flag or a script argument. */
export const INTERPRETERS = words(`python python2 python3 perl ruby php node nodejs lua bash zsh fish dash java jshell deno bun`);

/** Commands that are also English words or technology names: need shell-like arguments anywhere. */
export const AMBIGUOUS = words(`
  cat more less head tail sort find time date who w top free type set test true false yes watch wait read file make
  man link join split paste print look expand fold comm column bridge dig host kill last mail ping echo id ps su
  git docker npm pip apt yum gcc vim vi nano emacs ssh telnet curl sleep start call copy move dir del net reg sc at
  nice screen tmux passwd chef shutdown reboot halt history alias source exec eval export unset printf tr rev od
  strings base64 tar zip unzip gzip jar env ls cd cp mv rm ln du df touch mkdir rmdir grep awk sed cut uniq wc tee
  diff cmp which whereis locate stat install uptime clear exit logout open run go rust ruby perl python php node
`);

/** Every command name the judge recognises. */
export const COMMANDS = new Set([...SHELL_ONLY, ...FETCHERS, ...INTERPRETERS, ...AMBIGUOUS, ...words(`
  awk gawk mawk nawk sed xargs base64 openssl scp sftp rsync nmap nikto sqlmap hydra john hashcat tar zip unzip gzip
  bzip2 xz zstd 7z rar unrar cpio dd shred wipe truncate od strings file find locate updatedb getfacl setfacl attrib
  icacls takeown taskkill net1 nbtstat quser qwinsta reg sc wevtutil vssadmin bcdedit diskpart format fsutil cipher
  whoami.exe hostname id groups finger last w who users uptime vmstat iostat mpstat free df du mount umount fdisk
  lsblk blkid parted ip iw ethtool tc nmcli dhclient resolvectl host dig drill whois ping ping6 traceroute6 mtr
  telnet ssh ssh-keygen ssh-copy-id scp ftp sftp smbclient rpcclient enum4linux showmount nfsstat exportfs
  npm npx yarn pnpm pip pip3 gem bundle cargo go composer mvn gradle make cmake gcc g++ cc clang tcc ld as
  apt apt-get dpkg yum dnf rpm zypper pacman apk snap flatpak brew port pkg emerge
  vi vim nvim nano ed ex emacs pico joe mcedit less more most view tac rev nl fmt pr column colrm
  time nohup strace ltrace timeout exec eval sudo env nice setsid xargs command builtin stdbuf chroot flock cpulimit doas ll la
  crontab at batch atq atrm anacron systemd-run service init telinit runlevel shutdown reboot halt poweroff
  kill killall pkill xkill nice renice ionice taskset chrt perf valgrind
  export unset declare typeset readonly local let source exec eval trap ulimit umask shopt complete hash
  docker podman kubectl helm crictl ctr runc lxc virsh vagrant terraform aws gcloud az
  mysql psql sqlite3 mongo redis-cli memcached
`)]);
