/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/list.c: `kgdb-bridge --list`, the serial ports of this host.
 *
 * For each port libserialport finds: its path, its /dev/serial/by-id
 * name (the one to put in a TARGET word, as it survives re-plugging), USB
 * identity, the kernel driver, the FTDI-style latency timer, and which
 * processes hold it open (the usual reason a bridge cannot open a port).
 * $KGDB_BRIDGE_SYSFS replaces /sys, as for the latency timer.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libserialport.h>

#include "bridge/bridge.h"

/* The /dev/serial/by-id name that resolves to path, or "". */
static void
list_by_id(const char *path, char *out, size_t max)
{
	const char	*dir = "/dev/serial/by-id";
	char		 link[PATH_MAX], real[PATH_MAX], want[PATH_MAX];
	struct dirent	*de;
	DIR		*d;

	out[0] = '\0';
	if (realpath(path, want) == NULL || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof link, "%s/%s", dir, de->d_name);
		if (realpath(link, real) != NULL && strcmp(real, want) == 0) {
			snprintf(out, max, "%s", link);
			break;
		}
	}
	closedir(d);
}

/* One line of a sysfs file, or "" (trailing newline dropped). */
static void
list_sysfs(const char *sysroot, const char *name, const char *rel,
    char *out, size_t max)
{
	char	 path[PATH_MAX];
	FILE	*f;

	out[0] = '\0';
	snprintf(path, sizeof path, "%s/class/tty/%s/%s", sysroot, name, rel);
	if ((f = fopen(path, "re")) == NULL)
		return;
	if (fgets(out, (int)max, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

/* "pid (comm), …" of the processes with path open, or "". */
static void
list_holders(const char *path, char *out, size_t max)
{
	char		 fdd[300], link[PATH_MAX], comm[64], want[PATH_MAX];
	char		 fdp[PATH_MAX];
	struct dirent	*pe, *fe;
	DIR		*proc, *fds;
	ssize_t		 n;
	size_t		 used = 0;
	FILE		*f;

	out[0] = '\0';
	if (realpath(path, want) == NULL || (proc = opendir("/proc")) == NULL)
		return;
	while ((pe = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		snprintf(fdd, sizeof fdd, "/proc/%s/fd", pe->d_name);
		if ((fds = opendir(fdd)) == NULL)
			continue;
		while ((fe = readdir(fds)) != NULL) {
			snprintf(fdp, sizeof fdp, "%s/%s", fdd, fe->d_name);
			if ((n = readlink(fdp, link, sizeof link - 1)) <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, want) != 0)
				continue;
			snprintf(fdp, sizeof fdp, "/proc/%s/comm", pe->d_name);
			comm[0] = '\0';
			if ((f = fopen(fdp, "re")) != NULL) {
				if (fgets(comm, sizeof comm, f) == NULL)
					comm[0] = '\0';
				fclose(f);
			}
			comm[strcspn(comm, "\n")] = '\0';
			if (used < max)
				used += (size_t)snprintf(out + used, max - used,
				    "%s%s (%s)", used > 0 ? ", " : "",
				    pe->d_name, comm);
			break;
		}
		closedir(fds);
	}
	closedir(proc);
}

/* --list: a paragraph per port libserialport finds, from sysfs and
 * /proc. */
int
br_list_ports(FILE *f, char *err)
{
	struct sp_port	**list;
	const char	*sysroot = getenv("KGDB_BRIDGE_SYSFS");
	const char	*name, *base, *ser;
	char		 byid[PATH_MAX], drv[64], lat[16], held[512], usb[96];
	int		 i, vid, pid, n = 0;

	if (sysroot == NULL || *sysroot == '\0')
		sysroot = "/sys";
	if (sp_list_ports(&list) != SP_OK) {
		br_seterr(err, "cannot list serial ports");
		return (-1);
	}
	for (i = 0; list[i] != NULL; i++) {
		name = sp_get_port_name(list[i]);
		base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 :
		    name;
		list_by_id(name, byid, sizeof byid);
		br_serial_driver(sysroot, name, drv, sizeof drv);
		list_sysfs(sysroot, base, "device/latency_timer", lat,
		    sizeof lat);
		list_holders(name, held, sizeof held);
		usb[0] = '\0';
		if (sp_get_port_transport(list[i]) == SP_TRANSPORT_USB &&
		    sp_get_port_usb_vid_pid(list[i], &vid, &pid) == SP_OK) {
			ser = sp_get_port_usb_serial(list[i]);
			snprintf(usb, sizeof usb, "usb:%04x:%04x%s%s", vid, pid,
			    ser != NULL ? ":" : "", ser != NULL ? ser : "");
		}
		fprintf(f, "%s\n", name);
		if (byid[0] != '\0')
			fprintf(f, "    by-id    %s\n", byid);
		if (usb[0] != '\0')
			fprintf(f, "    usb      %s  %s\n", usb,
			    sp_get_port_description(list[i]) != NULL ?
			    sp_get_port_description(list[i]) : "");
		fprintf(f, "    driver   %s\n", drv[0] != '\0' ? drv : "?");
		if (lat[0] != '\0')
			fprintf(f, "    latency  %s ms%s\n", lat, strcmp(lat, "1")
			    == 0 ? "" : " (kgdb-bridge lowers it to 1 when it "
			    "may; see the udev rule)");
		fprintf(f, "    open by  %s\n", held[0] != '\0' ? held :
		    "nobody");
		n++;
	}
	sp_free_port_list(list);
	if (n == 0)
		fprintf(f, "no serial ports found\n");
	return (0);
}
