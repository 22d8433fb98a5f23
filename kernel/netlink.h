/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: the "mdgpu" generic netlink family (netlink.c).
 */
#ifndef MDGPU_NETLINK_H
#define MDGPU_NETLINK_H

int mdgpu_netlink_init(void);
void mdgpu_netlink_exit(void);

#endif /* MDGPU_NETLINK_H */
