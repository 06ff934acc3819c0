#!/usr/bin/env bash
# Installs Debian's Dovecot (IMAP, LMTP) and Postfix when missing. The tests and
# the demo start their own private instances on loopback; nothing here starts
# or reconfigures the system-wide services.
set -euo pipefail
need=()
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
[ -x /usr/lib/dovecot/lmtp ] || need+=(dovecot-lmtpd)
[ -x /usr/sbin/postfix ] || need+=(postfix)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing ${need[*]}: run as root, or: sudo apt-get install -y dovecot-imapd dovecot-lmtpd postfix" >&2
    exit 1
  fi
  echo "installing ${need[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
  apt-get update -q
  apt-get install -y -q dovecot-imapd dovecot-lmtpd postfix
fi
