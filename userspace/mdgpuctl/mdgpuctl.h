/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpuctl: the mdgpu control tool.
 *
 * One source file per concern:
 *   main.c       global options, object/verb dispatch, usage
 *   util.c       errors, number and name parsing, UUIDs
 *   output.c     the printing layer: tables, records and JSON from one model
 *   nl.c         the "mdgpu" generic netlink family: requests, dumps, extack
 *   model.c      pGPU, type and vGPU records read over netlink, as JSON
 *   gpu.c        gpu list/show and resolving a GPU argument
 *   type.c       type list
 *   vgpu.c       vgpu create/destroy (sysfs), list/show/set (netlink)
 *   sched.c      sched show/set/log
 *   top.c        live engine utilization
 *   monitor.c    the events multicast group
 *   inventory.c  OpenStack Placement resource providers and traits
 *   mdevctl.c    vgpu inspect: mdevctl device definitions read back
 */
#ifndef MDGPUCTL_H
#define MDGPUCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "libmdgpu.h"
#include "mdgpu_netlink.h"

struct nlattr;

#define MDGPUCTL_VERSION	"1.0"

/* Exit statuses */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* Sizes of UUIDs, PCI and type names: libmdgpu's MDGPU_*_SIZE. */
#define COMM_SIZE	32

/* Options every command accepts. */
struct opts {
	bool json;
	bool pretty;
};

extern struct opts g_opts;
extern const char *g_prog;

/* util.c */

/* "mdgpuctl: <message>" on stderr; returns EXIT_FAIL. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "mdgpuctl: <message>" and a hint to --help on stderr; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a whole decimal number in [min, max]; false if it is not one. */
bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *val);
/* Milliseconds with up to three decimals ("2", "1.5") into microseconds. */
bool parse_ms_to_us(const char *s, uint32_t *us);
/* Seconds with up to three decimals ("1", "0.25") into milliseconds. */
bool parse_s_to_ms(const char *s, uint32_t *ms);

/* Lower-case canonical form of a textual UUID; false if malformed. */
bool uuid_canon(const char *in, char out[MDGPU_UUID_SIZE]);

/* Whether @s looks like a PCI address "dddd:bb:ss.f" (hex digits). */
bool is_pci_name(const char *s);

/* output.c */

enum col_fmt {
	COL_STR,	/* string as is */
	COL_NUM,	/* integer */
	COL_PCT,	/* double percentage, one decimal */
	COL_NS,		/* nanoseconds, shown scaled ("1.25ms") */
	COL_BYTES,	/* bytes, shown scaled ("12.0M") */
	COL_MIB,	/* MiB, shown scaled ("4G", "512M") */
	COL_US,		/* microseconds, shown as milliseconds */
	COL_BOOL,	/* "yes" / "no" */
};

/**
 * struct col - one field of a record, as the human form shows it
 * @key: JSON key in the record
 * @title: column heading (table) or label (record)
 * @fmt: how the human form renders the value
 * @zero: text shown instead of 0 (NULL: the number)
 *
 * The JSON form prints the record itself, so both forms show the same data.
 */
struct col {
	const char *key;
	const char *title;
	enum col_fmt fmt;
	const char *zero;
};

#define COLS_END { NULL, NULL, COL_STR, NULL }

/* Print @arr (array of records) as a table, or as JSON. Takes @arr. */
void out_list(json_object *arr, const struct col *cols);
/* Print one record as "label: value" lines, or as JSON. Takes @obj. */
void out_record(json_object *obj, const struct col *cols);
/* Print any JSON value as JSON (compact, or pretty with -p). Takes @obj. */
void out_json(json_object *obj);
/* Print a table without taking ownership; @indent spaces before each line. */
void print_table(json_object *arr, const struct col *cols, int indent);
/* Print a record as "label: value" lines, without taking ownership. */
void print_record(json_object *obj, const struct col *cols, int indent);
/*
 * The human text of one field of @obj; "-" when absent. Numbers are
 * formatted into @buf (64 bytes are plenty); text is returned whole, as
 * long as it is, pointing into @obj.
 */
const char *format_field(json_object *obj, const struct col *c, char *buf,
			 size_t size);

/* Small builders for records. */
void jset_str(json_object *o, const char *key, const char *val);
void jset_u64(json_object *o, const char *key, uint64_t val);
void jset_dbl(json_object *o, const char *key, double val);
void jset_bool(json_object *o, const char *key, bool val);
/* Copy @key from @src to @dst if @src has it. */
void jcopy(json_object *dst, json_object *src, const char *key);
const char *jget_str(json_object *o, const char *key);
uint64_t jget_u64(json_object *o, const char *key);

/* nl.c */

/**
 * struct mdnl - a socket talking to the "mdgpu" family
 * @sk: libnl socket (struct nl_sock *)
 * @family: resolved family id
 * @extack: the kernel's extended-ACK message of the last failed request
 * @bad_attr: the attribute type the kernel said was at fault, or 0
 * @msg_attrs: while a reply handler runs, the reply's attributes
 * @msg_len: and their length, for attributes that repeat
 */
struct mdnl {
	void *sk;
	int family;
	char extack[256];
	int bad_attr;
	struct nlattr *msg_attrs;
	int msg_len;
};

/*
 * Connect and resolve the family. On failure an error is printed ("mdgpu
 * module not loaded" if the family does not exist) and -errno returned.
 */
int mdnl_open(struct mdnl *ctx);
void mdnl_close(struct mdnl *ctx);
/* Whether messages come from a recording (MDGPU_NL_REPLAY, see nl.c). */
bool mdnl_replaying(void);

/* Called for every reply message with its attributes, parsed and checked. */
typedef int (*mdnl_reply_fn)(struct nlattr **tb, void *arg);

/**
 * struct mdnl_req - a request to the family
 * @cmd: MDGPU_CMD_*
 * @dump: send with NLM_F_DUMP
 * @pgpu: MDGPU_A_PGPU string, or NULL
 * @uuid: MDGPU_A_VGPU_UUID (textual), or NULL
 * @u32_attr: up to four u32 attributes (type 0 ends the list)
 */
struct mdnl_req {
	uint8_t cmd;
	bool dump;
	const char *pgpu;
	const char *uuid;
	struct {
		int type;
		uint32_t val;
	} u32_attr[4];
};

/*
 * Send @req, call @fn for each reply, wait for the end of the answer.
 * Returns 0, a negative errno from the kernel (message in ctx->extack),
 * or the negative return of @fn. Malformed replies are -EPROTO.
 */
int mdnl_request(struct mdnl *ctx, const struct mdnl_req *req,
		 mdnl_reply_fn fn, void *arg);

/* Join the events group; then mdnl_listen() calls @fn for every event. */
int mdnl_subscribe(struct mdnl *ctx);
int mdnl_listen(struct mdnl *ctx, mdnl_reply_fn fn, void *arg);

/*
 * Attribute accessors for reply handlers (absent: false / NULL). A UUID is
 * a string attribute; attr_uuid() also fails on a malformed one.
 */
bool attr_u32(struct nlattr **tb, int type, uint32_t *val);
bool attr_u64(struct nlattr **tb, int type, uint64_t *val);
const char *attr_str(struct nlattr **tb, int type);
bool attr_uuid(struct nlattr **tb, int type, char str[MDGPU_UUID_SIZE]);
/* Parse a nested MDGPU_A_SLICE into @tb with the family's policy. */
int mdnl_parse_nested(struct nlattr *nest, struct nlattr **tb);

/*
 * Print an error for a failed request on @what ("sched set on gpu X"):
 * names the reason from the errno (not permitted, no such object, ...) and
 * the kernel's extack message. @obj names the object kind for ENOENT /
 * ENODEV ("gpu", "vgpu"). Returns EXIT_FAIL.
 */
int mdnl_fail(struct mdnl *ctx, int err, const char *what, const char *obj);

/* model.c: records as JSON objects, the data every printer uses */

/* All pGPUs, sorted by address, each with an "index". */
int model_gpus(struct mdnl *ctx, json_object **arr);
/* The types of every pGPU, or of @pgpu; pGPUs sorted, largest type first. */
int model_types(struct mdnl *ctx, const char *pgpu, json_object **arr);
/* All vGPUs sorted by gpu then uuid; only @pgpu's unless NULL. */
int model_vgpus(struct mdnl *ctx, const char *pgpu, json_object **arr);
/* One vGPU; -ENODEV if the kernel knows no such vGPU. */
int model_vgpu(struct mdnl *ctx, const char *uuid, json_object **obj);
/* The slice log of @pgpu. */
int model_slice_log(struct mdnl *ctx, const char *pgpu, json_object **arr);

/* gpu.c */

/*
 * Resolve a GPU argument (PCI address or index into the sorted list) to an
 * address, using @gpus (from model_gpus). Prints "unknown gpu" on failure.
 */
int gpu_resolve(json_object *gpus, const char *arg, char pgpu[MDGPU_PCI_NAME_SIZE]);
/* The same from sysfs, for create (which does not use netlink). */
int gpu_resolve_sysfs(const char *arg, char pgpu[MDGPU_PCI_NAME_SIZE]);
/* 0 if sysfs shows the module, else "mdgpu module not loaded" and EXIT_FAIL. */
int need_module_sysfs(void);
/*
 * Parse the options of a command that takes "[--gpu G]", the common options
 * and no argument: GO_ON with *@gpu set (NULL without --gpu), or the exit
 * code (help printed, usage error).
 */
#define GO_ON	(-1)
int parse_gpu_only(int argc, char **argv, const char *cmd, const char *help,
		   const char **gpu);
/*
 * Open netlink for @cmd and resolve @gpu (if not NULL) into @pgpu; the pGPU
 * list goes to *@gpus_out if that is not NULL. 0, or the exit code with the
 * error printed and nothing left open.
 */
int open_gpu(struct mdnl *ctx, const char *cmd, const char *gpu,
	     char pgpu[MDGPU_PCI_NAME_SIZE], json_object **gpus_out);
/*
 * A "list [--gpu G]" command: the records @model gives (all, or @gpu's)
 * printed with @cols. @obj names the object for "no such ..." errors when
 * --gpu was given (NULL: none). Returns the exit code.
 */
int list_by_gpu(int argc, char **argv, const char *cmd, const char *help,
		int (*model)(struct mdnl *ctx, const char *pgpu,
			     json_object **arr),
		const struct col *cols, const char *obj);
/* Full type name ("mdgpu-1g") for "1g" or "mdgpu-1g"; false if malformed. */
bool type_canon(const char *arg, char name[MDGPU_TYPE_NAME_SIZE]);

/* mdevctl.c: "vgpu inspect FILE"; @help is the vgpu object's help. */
#define MDEVCTL_CONF_DIR	"/etc/mdevctl.d"
int vgpu_inspect(int argc, char **argv, const char *help);

/* Subcommands; each parses its own arguments (argv[0] is the verb). */
int cmd_gpu(int argc, char **argv);
int cmd_type(int argc, char **argv);
int cmd_vgpu(int argc, char **argv);
int cmd_vf(int argc, char **argv);
int cmd_sched(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_inventory(int argc, char **argv);

/*
 * Options every command accepts, for getopt_long: the command's option
 * string ends with COMMON_SHORT, its long options with COMMON_LONG and its
 * switch with COMMON_CASES (help prints @help and returns EXIT_OK; an
 * unknown option returns EXIT_USAGE).
 */
#define COMMON_SHORT	"jph"
#define COMMON_LONG \
	{ "json", no_argument, NULL, 'j' }, \
	{ "pretty", no_argument, NULL, 'p' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ NULL, 0, NULL, 0 }
#define COMMON_CASES(cmd, help) \
	case 'j': \
		g_opts.json = true; \
		break; \
	case 'p': \
		g_opts.json = g_opts.pretty = true; \
		break; \
	case 'h': \
		print_help(help); \
		return EXIT_OK; \
	default: \
		return usage_error(cmd, NULL)

/* Print @help to stdout. */
void print_help(const char *help);

/* A verb of an object and the function that runs it. */
struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/*
 * Run the verb named by argv[1] with argv[1..] (argv[0] is the object),
 * or @dflt when no verb is given (NULL: a verb is required); "help",
 * -h and --help print @help.
 */
int dispatch(int argc, char **argv, const struct verb *verbs,
	     const char *dflt, const char *help);

#endif /* MDGPUCTL_H */
