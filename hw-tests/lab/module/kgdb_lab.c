// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kgdb_lab: the virtual lab's one loadable module.
 *
 * It exists so that the kernel's gdb scripts have a module to find
 * (lx-lsmod, lx-symbols) and so that a breakpoint can be set in module
 * text once lx-symbols has loaded its symbols.  A delayed work item calls
 * kgdb_lab_tick() once a second; it only counts, and prints nothing, so
 * the console stays as quiet as it was without the module.
 */
#include <linux/module.h>
#include <linux/workqueue.h>

static unsigned long kgdb_lab_ticks;
static struct delayed_work kgdb_lab_work;

/* Where the e2e suite puts its breakpoint: not inlined, so it has text. */
static noinline void kgdb_lab_tick(unsigned long n)
{
	WRITE_ONCE(kgdb_lab_ticks, n);
}

static void kgdb_lab_fn(struct work_struct *w)
{
	kgdb_lab_tick(kgdb_lab_ticks + 1);
	schedule_delayed_work(&kgdb_lab_work, HZ);
}

static int __init kgdb_lab_init(void)
{
	INIT_DELAYED_WORK(&kgdb_lab_work, kgdb_lab_fn);
	schedule_delayed_work(&kgdb_lab_work, HZ);
	return 0;
}

static void __exit kgdb_lab_exit(void)
{
	cancel_delayed_work_sync(&kgdb_lab_work);
}

module_init(kgdb_lab_init);
module_exit(kgdb_lab_exit);
MODULE_DESCRIPTION("kgdb-bridge lab: a module for lx-lsmod and lx-symbols");
MODULE_LICENSE("GPL");
