# shellcheck shell=bash
add_org() { die "addOrg: not implemented yet"; }
