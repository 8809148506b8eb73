/*
 * select/cons_tres_dlhetero, --dl-hetero jobs: adapt slurmctld's nodes and
 * switch tree to the core library's placement, and its answer back to a
 * node bitmap for cons_tres.
 *
 * The job asks cons_tres for an untyped per-job count of "accel" gres
 * (job_submit/dlhetero set it).  Restricted to the placed nodes, which
 * hold exactly the requested accelerators of each type, that untyped count
 * can only be met by the requested mix, so cons_tres allocates it, enforces
 * it and accounts it per type like any gres.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/common/slurm_xlator.h"
#include "src/common/bitstring.h"
#include "src/common/hostlist.h"
#include "src/common/list.h"
#include "src/common/node_conf.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"

#include "slurm_compat.h"
#include "dlh_names.h"
#include "chip_catalog.h"
#include "ctld_nodes.h"
#include "dlh_config.h"
#include "dlh_log.h"
#include "slurm_log_sink.h"
#include "dlh_paths.h"
#include "hetero_growth.h"
#include "hetero_map.h"
#include "hetero_spec.h"
#include "map_cred.h"
#include "hetero_select.h"
#include "placement.h"
#include "topo_blocks.h"
#include "sched_budget.h"

#define PLUGIN "select/cons_tres_dlhetero"

/*
 * slurmctld's node table and topology interface.  slurmctld (and
 * libslurmfull) define them, the public libslurm does not, yet libslurm
 * loads the configured select plugin in every client that packs a job
 * request.  Weak references let the plugin load there; only slurmctld runs
 * the code that reads them (hetero_select_init() and the job calls).
 */
#pragma weak node_record_count
#pragma weak node_record_table_ptr
#pragma weak topology_g_get_node_addr
#pragma weak find_job_record

static struct dlh_config *cfg;
static struct chip_catalog *chips; /* for auto requests */

/*
 * Placement work allowed in one second of slurmctld's time, over all
 * --dl-hetero jobs (each call is bounded on its own: PLACEMENT_DEFAULT_WORK,
 * about 50 ms at 10,000 nodes in the worst case).  A scheduling pass that
 * has spent it leaves the other --dl-hetero jobs pending, with the reason
 * in squeue, until the next second: a flood of hostile requests costs
 * slurmctld at most this much per second.  Calls are serialised by
 * slurmctld's job and node write locks.
 */
#define PASS_WORK_PER_SEC (10 * (uint64_t) PLACEMENT_DEFAULT_WORK)

static struct sched_budget pass = { .per_second = PASS_WORK_PER_SEC };

/*
 * Where each node hangs in the network: its switches from the leaf up, as
 * the topology plugin's node address names them ("s0.s4.s8.n1" with
 * pattern "switch.switch.switch.node" from topology/tree; "b8.n1", pattern
 * "block.node", from 24.11's topology/block, where a block is one leaf).
 * The switch table itself is private to topology/tree since 23.02, so the
 * address is what every release gives.  Built once per node table and
 * topology (reconfigure drops it): the scheduler only looks it up.
 */
struct node_path {
	int n_levels;
	int path[PLACEMENT_LEVELS]; /* switch ids, [0] = leaf */
};

static struct {
	pthread_mutex_t lock;
	struct node_path *node; /* by node index */
	int node_cnt;
	char **names; /* switch id -> name */
	int n_names;
	/* topology/block: level l of a path is the block of block_size[l]
	 * nodes holding the node (placement_place_blocks()) */
	uint32_t block_size[PLACEMENT_LEVELS];
	size_t n_block_levels;
} topo = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void topo_clear(void)
{
	int i;

	for (i = 0; i < topo.n_names; i++)
		xfree(topo.names[i]);
	xfree(topo.names);
	xfree(topo.node);
	topo.n_names = topo.node_cnt = 0;
	topo.n_block_levels = 0;
}

static void wake_stop(void); /* the requeue hold's thread, below */

void hetero_select_init(void)
{
	struct dlh_error err;

	dlh_slurm_log_init(PLUGIN);
	hetero_select_fini();
	cfg = dlh_config_load(NULL, &err);
	if (!cfg)
		dlh_error("%s", err.text);
	chips = chip_catalog_load(dlh_config_chip_catalog(cfg), &err);
	if (!chips)
		dlh_error("%s", err.text);
}

void hetero_select_fini(void)
{
	wake_stop();
	slurm_mutex_lock(&topo.lock);
	topo_clear();
	slurm_mutex_unlock(&topo.lock);
	dlh_config_free(cfg);
	cfg = NULL;
	chip_catalog_free(chips);
	chips = NULL;
}

static bool pass_budget_left(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return sched_budget_left(&pass, now.tv_sec);
}

/*
 * How good a candidate mix of an auto request is: its sustained compute
 * (accelerators x dense BF16 TFLOPS x achieved share, from the catalog),
 * discounted by the links it spans.  This is the planner's standalone sum
 * without its per-step search, which is too slow for the scheduler loop;
 * the discounts keep a mix that crosses domains or the top of the tree
 * behind one that stays on a leaf unless it is much faster.
 */
#define SCORE_PER_DOMAIN_LINK 0.5  /* a cross-domain link halves it */
#define SCORE_PER_SPAN_LEVEL  0.05 /* each switch level climbed */
#define SCORE_PER_EXTRA_LEAF  0.02 /* each leaf switch beyond the first */

static double mix_score(void *arg, const struct placement_mix *mix,
			const struct placement_cost *cost)
{
	const struct chip_type *t;
	double compute = 0.0;
	size_t i;

	for (i = 0; i < mix->n; i++) {
		t = chips ? chip_catalog_find(chips, mix->type[i]) : NULL;
		compute += mix->count[i] *
			   (t ? t->tflops_bf16 * t->efficiency : 1.0);
	}
	return compute /
	       (1.0 + SCORE_PER_DOMAIN_LINK * cost->domain_links +
		SCORE_PER_SPAN_LEVEL * cost->span_level +
		SCORE_PER_EXTRA_LEAF * (cost->leaves ? cost->leaves - 1 : 0));
}

void hetero_select_reconfigure(void)
{
	hetero_select_init();
	/* topology.conf may have changed */
	slurm_mutex_lock(&topo.lock);
	topo_clear();
	slurm_mutex_unlock(&topo.lock);
}

static const char *job_spec(job_record_t *job_ptr)
{
	return ctld_env_get(job_ptr->spank_job_env, job_ptr->spank_job_env_size,
			    DLH_VAR_HETERO);
}

bool hetero_select_is_hetero_job(job_record_t *job_ptr)
{
	return job_spec(job_ptr) != NULL;
}

/* The id of a switch name; new names get the next id. */
static int switch_id(const char *name)
{
	int i;

	for (i = 0; i < topo.n_names; i++)
		if (!strcmp(topo.names[i], name))
			return i;
	xrecalloc(topo.names, topo.n_names + 1, sizeof(char *));
	topo.names[topo.n_names] = xstrdup(name);
	return topo.n_names++;
}

/* One node's path from its address; no path when the address has none. */
static void node_path_read(node_record_t *node_ptr, struct node_path *np)
{
	char *addr = NULL, *pattern = NULL, *part[PLACEMENT_LEVELS + 1];
	char *save = NULL, *tok;
	int n = 0;

	np->n_levels = 0;
	if (topology_g_get_node_addr(node_ptr->name, &addr, &pattern) !=
	    SLURM_SUCCESS)
		goto out;
	/* the address runs from the top switch down to the node */
	for (tok = strtok_r(addr, ".", &save); tok;
	     tok = strtok_r(NULL, ".", &save)) {
		if (n == PLACEMENT_LEVELS + 1) /* deeper: keep the lowest */
			memmove(part, part + 1, --n * sizeof(*part));
		part[n++] = tok;
	}
	/* the last part is the node itself */
	for (n = n - 2; n >= 0 && np->n_levels < PLACEMENT_LEVELS; n--)
		np->path[np->n_levels++] = switch_id(part[n]);
out:
	xfree(addr);
	xfree(pattern);
}

#if DLH_HAVE_BLOCKS
#pragma weak topology_g_get
#pragma weak find_node_record

/* A block's level: the index of its size among the sizes seen. */
static int block_level(uint32_t size)
{
	size_t l;

	for (l = 0; l < topo.n_block_levels; l++)
		if (topo.block_size[l] == size)
			return (int) l;
	return -1;
}

/* Level of each size, smallest first (at most PLACEMENT_LEVELS). */
static void block_levels(const struct topo_block *b, int n)
{
	size_t l;
	int i;

	topo.n_block_levels = 0;
	for (i = 0; i < n; i++) {
		if (block_level(b[i].size) >= 0)
			continue;
		/* insert in order; past PLACEMENT_LEVELS the largest go */
		for (l = topo.n_block_levels;
		     l > 0 && topo.block_size[l - 1] > b[i].size; l--)
			if (l < PLACEMENT_LEVELS)
				topo.block_size[l] = topo.block_size[l - 1];
		if (l == PLACEMENT_LEVELS)
			continue;
		topo.block_size[l] = b[i].size;
		if (topo.n_block_levels < PLACEMENT_LEVELS)
			topo.n_block_levels++;
	}
}

/*
 * topology/block: every node's path is its blocks by size, base block
 * first.  The blocks come from the topology as Slurm prints it, the only
 * view of them outside topology/block.
 */
static void block_paths(void)
{
	dynamic_plugin_data_t *info = NULL;
	struct topo_block b[1024];
	struct hostlist *hl;
	struct dlh_error err;
	node_record_t *node_ptr;
	char *out = NULL, *host;
	int n, i, lvl;

	if (dlh_topology_get(&info) != SLURM_SUCCESS || !info)
		return;
	dlh_topology_print(info, &out);
	dlh_topology_free(info);
	n = topo_blocks_parse(out, b, sizeof(b) / sizeof(b[0]), &err);
	if (n < 0)
		error("%s: %s: placement ignores blocks", PLUGIN, err.text);
	if (n <= 0) {
		xfree(out);
		return;
	}
	block_levels(b, n);
	for (i = 0; i < topo.node_cnt; i++)
		for (lvl = 0; lvl < PLACEMENT_LEVELS; lvl++)
			topo.node[i].path[lvl] = -1;
	for (i = 0; i < n; i++) {
		if ((lvl = block_level(b[i].size)) < 0 ||
		    !(hl = hostlist_create(b[i].nodes)))
			continue;
		while ((host = hostlist_shift(hl))) {
			node_ptr = find_node_record(host);
			if (node_ptr && node_ptr->index < topo.node_cnt)
				topo.node[node_ptr->index].path[lvl] =
					switch_id(b[i].name);
			free(host);
		}
		hostlist_destroy(hl);
	}
	for (i = 0; i < topo.node_cnt; i++) {
		/* levels up to the first the node is missing from */
		for (lvl = 0; lvl < (int) topo.n_block_levels &&
			      topo.node[i].path[lvl] >= 0;
		     lvl++)
			;
		topo.node[i].n_levels = lvl;
	}
	xfree(out);
}
#endif

static void topo_build(void)
{
	node_record_t *node_ptr;
	int i;

	topo_clear();
	topo.node = xcalloc(node_record_count + 1, sizeof(*topo.node));
	topo.node_cnt = node_record_count;
#if DLH_HAVE_BLOCKS
	block_paths();
#endif
	if (!topo.n_block_levels)
		for (i = 0; (node_ptr = next_node(&i)); i++)
			node_path_read(node_ptr, &topo.node[node_ptr->index]);
	debug("%s: topology of %d nodes read, %d switches or blocks, %zu block levels",
	      PLUGIN, topo.node_cnt, topo.n_names, topo.n_block_levels);
}

/* Fills the paths of pn[0..n); the block sizes, if blocks, into sizes. */
static size_t fill_switch_paths(struct placement_node *pn, size_t n,
				uint32_t *sizes)
{
	size_t levels;
	const struct node_path *np;
	size_t k;
	int lvl;

	slurm_mutex_lock(&topo.lock);
	if (!topo.node || topo.node_cnt != node_record_count)
		topo_build();
	for (k = 0; k < n; k++) {
		np = &topo.node[pn[k].index];
		pn[k].n_levels = np->n_levels;
		pn[k].leaf_switch = np->n_levels ? np->path[0] : -1;
		for (lvl = 0; lvl < PLACEMENT_LEVELS; lvl++)
			pn[k].switch_path[lvl] =
				lvl < np->n_levels ? np->path[lvl] : -1;
	}
	levels = topo.n_block_levels;
	memcpy(sizes, topo.block_size, sizeof(topo.block_size));
	slurm_mutex_unlock(&topo.lock);
	return levels;
}

/*
 * The candidate nodes that have accelerators.  In the test-only and
 * will-run modes every accelerator counts as free: the question there is
 * whether and where the job could ever run, not whether it can run now.
 */
static struct placement_node *collect_nodes(bitstr_t *bitmap, bool all_free,
					    size_t *count, uint32_t *block_size,
					    size_t *block_levels)
{
	struct placement_node *pn;
	node_record_t *node_ptr;
	const char *type;
	uint64_t total, alloc;
	size_t n = 0;
	int i;

	pn = xcalloc(bit_set_count(bitmap) + 1, sizeof(*pn));
	for (i = 0; (node_ptr = next_node(&i)); i++) {
		if (!bit_test(bitmap, node_ptr->index) ||
		    !ctld_node_accel(node_ptr, &type, &total, &alloc))
			continue;
		pn[n].name = node_ptr->name;
		pn[n].index = node_ptr->index;
		pn[n].chip_type = type;
		pn[n].total_accel = total;
		pn[n].free_accel =
			all_free ? total : (alloc < total ? total - alloc : 0);
		pn[n].domain = cfg ? dlh_config_domain_of(cfg, node_ptr->name)
				   : 0;
		pn[n].weight = node_ptr->sched_weight;
		n++;
	}
	*block_levels = fill_switch_paths(pn, n, block_size);
	*count = n;
	return pn;
}

/* Accelerators of the job on each of its nodes, after allocation. */
static uint64_t alloc_on_node(job_record_t *job_ptr, int node_offset)
{
	gres_state_t *gs;
	gres_job_state_t *js;
	list_itr_t *it;
	uint64_t cnt = 0;

	if (!job_ptr->gres_list_alloc)
		return 0;
	it = list_iterator_create(job_ptr->gres_list_alloc);
	while ((gs = list_next(it))) {
		js = gs->gres_data;
		if (xstrcmp(gs->gres_name, DLH_GRES_NAME) || !js ||
		    !js->gres_cnt_node_alloc ||
		    node_offset >= (int) js->node_cnt)
			continue;
		cnt += js->gres_cnt_node_alloc[node_offset];
	}
	list_iterator_destroy(it);
	return cnt;
}

/* The job's supplemental environment (details->env_sup, env_cnt) */
static void job_env_set(job_record_t *job_ptr, const char *name,
			const char *value)
{
	job_details_t *d = job_ptr->details;
	uint32_t cnt;

	if (!d)
		return;
	cnt = d->env_cnt;
	if (value)
		ctld_env_set(&d->env_sup, &cnt, name, value);
	else
		ctld_env_unset(d->env_sup, &cnt, name);
	d->env_cnt = cnt;
}

static const char *job_env_get(job_record_t *job_ptr, const char *name)
{
	return job_ptr->details ? ctld_env_get(job_ptr->details->env_sup,
					       job_ptr->details->env_cnt, name)
				: NULL;
}

/*
 * Growth (hetero_growth.h): a part is a --dl-hetero job submitted with
 * --dl-part-of=MAIN (job_submit/dlhetero checked the owner); the main
 * job's admin comment records its parts, and each step of the main job
 * and of its parts plans over all of them.
 */
static uint32_t part_of(job_record_t *job_ptr)
{
	return ctld_env_job_id(job_ptr->spank_job_env,
			       job_ptr->spank_job_env_size, DLH_VAR_PART_OF);
}

/* The running main job of a part, or NULL */
static job_record_t *main_job(job_record_t *part)
{
	uint32_t id = part_of(part);
	job_record_t *m;

	if (!id || !find_job_record || !(m = find_job_record(id)) ||
	    m->user_id != part->user_id || !IS_JOB_RUNNING(m) ||
	    !hetero_select_is_hetero_job(m) || part_of(m))
		return NULL;
	return m;
}

/* The job's growth record; empty (and logged) when it is malformed. */
static void growth_get(job_record_t *job_ptr, struct hetero_growth *g)
{
	struct dlh_error err;

	if (hetero_growth_parse(job_ptr->admin_comment, g, &err))
		error("%s: %pJ: admin comment: %s; its growth record is dropped",
		      PLUGIN, job_ptr, err.text);
}

/* The job's admin comment: its summary and g. */
static void growth_put(job_record_t *job_ptr, const struct hetero_growth *g)
{
	char *text = hetero_growth_comment(job_ptr->admin_comment, g);

	if (!text)
		return;
	xfree(job_ptr->admin_comment);
	job_ptr->admin_comment = xstrdup(text);
	free(text);
}

static void cancel_later(uint32_t job_id); /* the wake thread, below */

/*
 * The map and slurmctld's munge credential over it go into the job's
 * supplemental environment, which Slurm adds to the batch script's
 * environment and to every allocation answer: each step inherits them and
 * the SPANK plugin checks the credential on the node (map_cred.h).  A map
 * that cannot be signed, or is too large for a task's environment, is
 * left out: the job runs and its tasks are told why there is no plan.
 */
static void set_job_map(job_record_t *job_ptr, const char *map)
{
	char socket[512], *cred = NULL;
	struct dlh_error err;
	uint32_t size = job_ptr->spank_job_env_size;

	/* where older dlhetero kept it (and users could write) */
	ctld_env_unset(job_ptr->spank_job_env, &size, DLH_VAR_HETERO_MAP);
	job_ptr->spank_job_env_size = size;
	/* the same allocation recorded again (slurmctld restarted): the
	 * credential it has says this already, no munge round trip */
	if (map && job_env_get(job_ptr, DLH_ENV_MAP_CRED) &&
	    !xstrcmp(job_env_get(job_ptr, DLH_ENV_MAP), map))
		return;
	if (!map) {
		err.text[0] = '\0';
	} else if (strlen(map) > MAP_CRED_MAX_LEN / 2) {
		dlh_err(&err, "its map takes %zu bytes, more than %d",
			strlen(map), MAP_CRED_MAX_LEN / 2);
	} else if (map_cred_socket(slurm_conf.authinfo, socket,
				   sizeof(socket))) {
		dlh_err(&err, "AuthInfo's socket= is too long");
	} else if (!map_cred_sign(socket, job_ptr->job_id, map, &cred, &err)) {
		job_env_set(job_ptr, DLH_ENV_MAP, map);
		job_env_set(job_ptr, DLH_ENV_MAP_CRED, cred);
		free(cred);
		return;
	}
	if (map)
		error("%s: %pJ: no signed map, its tasks get no plan: %s",
		      PLUGIN, job_ptr, err.text);
	job_env_set(job_ptr, DLH_ENV_MAP, NULL);
	job_env_set(job_ptr, DLH_ENV_MAP_CRED, NULL);
}

/*
 * Write the node -> chip map into the job (set_job_map()) and a one-line
 * summary in the admin comment (shown by scontrol and sacct), keeping the
 * growth record; running: the running job's map changed (it lost a
 * node), which is a plan generation.  A placement (also after a requeue,
 * whose steps start from generation 0) is none.
 */
static void write_map(job_record_t *job_ptr, const struct hetero_node *hn,
		      size_t n, const char *why, bool running)
{
	char *map, *summary = NULL, *hosts;
	const char *types[PLACEMENT_MAX_TYPES];
	struct hetero_growth g;
	struct hostlist *hl;
	size_t t, j, n_types;
	unsigned sum;
	bool changed;

	map = n ? hetero_map_format(hn, n) : NULL;
	changed = running && map && job_env_get(job_ptr, DLH_ENV_MAP) &&
		  strcmp(job_env_get(job_ptr, DLH_ENV_MAP), map);
	set_job_map(job_ptr, map);
	/*
	 * summary: "dlhetero a100:16(n[1-2]) ascend910b:16(n[5-6])", one
	 * pass over the map per distinct type (at most PLACEMENT_MAX_TYPES
	 * in a placement), never one per node
	 */
	for (n_types = 0, t = 0; t < n; t++) {
		for (j = 0; j < n_types; j++)
			if (!strcmp(types[j], hn[t].type))
				break;
		if (j < n_types)
			continue;
		if (n_types == PLACEMENT_MAX_TYPES) {
			xstrcat(summary, " ...");
			break;
		}
		types[n_types++] = hn[t].type;
		hl = hostlist_create(NULL);
		for (sum = 0, j = t; j < n; j++) {
			if (strcmp(hn[j].type, hn[t].type))
				continue;
			sum += hn[j].count;
			hostlist_push_host(hl, hn[j].name);
		}
		hosts = hostlist_ranged_string_xmalloc(hl);
		xstrfmtcat(summary, "%s%s:%u(%s)",
			   summary ? " " : DLH_COMMENT_PREFIX " ", hn[t].type,
			   sum, hosts);
		xfree(hosts);
		hostlist_destroy(hl);
	}
	if (summary) {
		/*
		 * The growth record stays; each change of the running job's
		 * map is a plan generation, counted here, where the steps of
		 * the job and of its parts read it (hetero_growth.h).
		 */
		growth_get(job_ptr, &g);
		if (g.map && map && strcmp(g.map, map)) {
			free(g.map);
			g.map = strdup(map);
		}
		if (changed)
			g.generation++;
		xfree(job_ptr->admin_comment);
		job_ptr->admin_comment = summary;
		if (hetero_growth_any(&g))
			growth_put(job_ptr, &g);
		hetero_growth_free(&g);
	}
	info("%s: %pJ %s: %s", PLUGIN, job_ptr, why,
	     summary ? summary : "no accelerators");
	debug("%s: %pJ map: %s", PLUGIN, job_ptr, map ? map : "?");
	free(map);
}

/* The map of a job that has just been given its nodes and gres. */
static void record_map(job_record_t *job_ptr)
{
	struct hetero_node *hn;
	node_record_t *node_ptr;
	const char *type;
	uint64_t total, alloc;
	size_t n = 0;
	int i, off = 0;

	if (!job_ptr->node_bitmap)
		return;
	hn = xcalloc(bit_set_count(job_ptr->node_bitmap) + 1, sizeof(*hn));
	for (i = 0; (node_ptr = next_node(&i)); i++) {
		if (!bit_test(job_ptr->node_bitmap, node_ptr->index))
			continue;
		if (ctld_node_accel(node_ptr, &type, &total, &alloc)) {
			if (strlen(node_ptr->name) >= sizeof(hn[n].name) ||
			    strlen(type) >= sizeof(hn[n].type)) {
				/* a cut name would plan for another node */
				error("%s: %pJ: node %s or its type %s is too long for the map; the job gets no plan",
				      PLUGIN, job_ptr, node_ptr->name, type);
				xfree(job_ptr->admin_comment);
				job_ptr->admin_comment = xstrdup(
					"dlhetero: a node name is too long for the map (see slurmctld log)");
				xfree(hn);
				return;
			}
			strcpy(hn[n].name, node_ptr->name);
			strcpy(hn[n].type, type);
			hn[n].count = alloc_on_node(job_ptr, off);
			if (hn[n].count)
				n++;
		}
		off++;
	}
	write_map(job_ptr, hn, n, "placed", false);
	if (!n) {
		/*
		 * Seen only when Slurm 22.05 started a requeued job whose
		 * last completion it never finished (a node of the job died
		 * while the requeue waited for it: the job keeps its old gres
		 * and gets none).  Say so where admins and users look.
		 */
		error("%s: %pJ was started without accelerators (Slurm did not finish its last requeue?); its tasks get no devices and no plan",
		      PLUGIN, job_ptr);
		xfree(job_ptr->admin_comment);
		job_ptr->admin_comment = xstrdup(
			"dlhetero: started without accelerators (see slurmctld log)");
	}
	xfree(hn);
}

void hetero_select_node_removed(job_record_t *job_ptr, const char *node)
{
	struct hetero_node *hn;
	const char *map;
	size_t n, i, k = 0;
	unsigned total;

	if (!hetero_select_is_hetero_job(job_ptr) ||
	    !(map = job_env_get(job_ptr, DLH_ENV_MAP)) ||
	    hetero_map_parse(map, &hn, &n, NULL))
		return;
	for (total = 0, i = 0; i < n; i++) {
		if (!strcmp(hn[i].name, node))
			continue;
		total += hn[i].count;
		hn[k++] = hn[i];
	}
	if (k < n) {
		write_map(job_ptr, hn, k, "lost a node", true);
		/* steps without a gres request copy the job's: keep it
		 * within what the job still holds */
		xfree(job_ptr->tres_per_job);
		job_ptr->tres_per_job =
			xstrdup_printf(DLH_TRES_PER_JOB(DLH_GRES_NAME), total);
	}
	free(hn);
}

/*
 * cons_tres met the job's untyped count on the placed nodes, but where a
 * node is only partly taken it may have spread the count differently
 * (8 on the a100 node and 4 on the Ascend node instead of 4 and 8).  Its
 * choice per node (gres_cnt_node_select, gres_bit_select) is only applied
 * when the job is allocated, so set it to the placement's counts, on the
 * node's lowest free devices: the per-type counts are then exact.
 */
static void steer_gres(job_record_t *job_ptr,
		       const struct placement_result *res)
{
	gres_state_t *gs;
	gres_job_state_t *js;
	gres_node_state_t *ns;
	list_itr_t *it;
	size_t k;
	int idx, b, size;
	uint32_t left;

	if (!job_ptr->gres_list_req)
		return;
	it = list_iterator_create(job_ptr->gres_list_req);
	while ((gs = list_next(it))) {
		js = gs->gres_data;
		if (xstrcmp(gs->gres_name, DLH_GRES_NAME) || !js ||
		    !js->gres_cnt_node_select || !js->gres_bit_select)
			continue;
		for (k = 0; k < res->n_picks; k++) {
			idx = res->picks[k].index;
			if (idx < 0 || idx >= (int) js->total_node_cnt ||
			    js->gres_cnt_node_select[idx] ==
				    res->picks[k].count ||
			    !(ns = ctld_node_accel_state(
				      node_record_table_ptr[idx])))
				continue;
			debug("%s: %pJ: %s gets %u accelerators, not %" PRIu64,
			      PLUGIN, job_ptr, node_record_table_ptr[idx]->name,
			      res->picks[k].count,
			      js->gres_cnt_node_select[idx]);
			js->gres_cnt_node_select[idx] = res->picks[k].count;
			size = ns->gres_bit_alloc ? bit_size(ns->gres_bit_alloc)
						  : (int) ns->gres_cnt_avail;
			FREE_NULL_BITMAP(js->gres_bit_select[idx]);
			js->gres_bit_select[idx] = bit_alloc(size);
			left = res->picks[k].count;
			for (b = 0; b < size && left; b++) {
				if (ns->gres_bit_alloc &&
				    bit_test(ns->gres_bit_alloc, b))
					continue;
				bit_set(js->gres_bit_select[idx], b);
				left--;
			}
		}
	}
	list_iterator_destroy(it);
}

/*
 * Slurm (22.05 to 26.05) may start a requeued job again on a node whose
 * slurmd restarted moments ago and still holds the job's previous batch
 * step, which slurmctld has only asked it to abort: the launch fails with
 * "duplicate job id", the node is drained and the job held
 * (doc/slurm-releases.md).  A requeued --dl-hetero job leaves such nodes
 * out for RESTARTED_NODE_GRACE seconds after their slurmd started.
 */
#define RESTARTED_NODE_GRACE 30

static void skip_restarted_nodes(job_record_t *job_ptr, bitstr_t *bitmap)
{
	time_t now = time(NULL);
	node_record_t *node_ptr;
	int i;

	if (!job_ptr->restart_cnt)
		return;
	for (i = 0; (node_ptr = next_node(&i)); i++) {
		if (!bit_test(bitmap, node_ptr->index) ||
		    node_ptr->slurmd_start_time + RESTARTED_NODE_GRACE <= now)
			continue;
		bit_clear(bitmap, node_ptr->index);
		debug("%s: %pJ: requeued, leaves out %s (slurmd started %lds ago)",
		      PLUGIN, job_ptr, node_ptr->name,
		      (long) (now - node_ptr->slurmd_start_time));
	}
}

/*
 * A part's candidate nodes: none of its main job's or of the main job's
 * other parts (ranks are found by node and local rank: a node is in one
 * part of a grown job only).  NULL, with the reason for squeue, when its
 * main job is not running; a part whose main job has ended is cancelled.
 */
static job_record_t *part_candidates(job_record_t *job_ptr, bitstr_t *bitmap,
				     bool run_now)
{
	job_record_t *m = main_job(job_ptr), *other;
	struct hetero_growth g;
	size_t i;

	if (!m) {
		other = find_job_record ? find_job_record(part_of(job_ptr))
					: NULL;
		if (run_now) {
			xfree(job_ptr->state_desc);
			job_ptr->state_desc = xstrdup_printf(
				"dlhetero: job %u it extends is not running",
				part_of(job_ptr));
		}
		if (run_now && (!other || IS_JOB_FINISHED(other) ||
				IS_JOB_COMPLETING(other)))
			cancel_later(job_ptr->job_id);
		return NULL;
	}
	if (m->node_bitmap)
		bit_and_not(bitmap, m->node_bitmap);
	growth_get(m, &g);
	for (i = 0; i < g.n_parts; i++)
		if ((other = find_job_record(g.part[i].job_id)) &&
		    other->node_bitmap && IS_JOB_RUNNING(other))
			bit_and_not(bitmap, other->node_bitmap);
	hetero_growth_free(&g);
	return m;
}

/*
 * Moves to the front of pn the candidates near the main job m: tier 0,
 * under one of its leaf switches (or base blocks); tier 1, in one of its
 * data-centre domains.  Returns how many.
 */
static size_t near_main(job_record_t *m, struct placement_node *pn, size_t n,
			int tier)
{
	node_record_t *node_ptr;
	const struct node_path *np;
	struct placement_node tmp;
	size_t k, front = 0;
	int i, *near = NULL, n_m = 0, j;

	if (!m->node_bitmap)
		return 0;
	near = xcalloc(bit_set_count(m->node_bitmap) + 1, sizeof(int));
	slurm_mutex_lock(&topo.lock);
	for (i = 0; (node_ptr = next_node(&i)); i++) {
		if (!bit_test(m->node_bitmap, node_ptr->index))
			continue;
		np = node_ptr->index < topo.node_cnt
			     ? &topo.node[node_ptr->index]
			     : NULL;
		if (tier == 0)
			near[n_m++] = np && np->n_levels ? np->path[0] : -1;
		else
			near[n_m++] =
				cfg ? dlh_config_domain_of(cfg, node_ptr->name)
				    : 0;
	}
	slurm_mutex_unlock(&topo.lock);
	for (k = 0; k < n; k++) {
		for (j = 0; j < n_m; j++)
			if (near[j] >= 0 &&
			    near[j] == (tier == 0 ? pn[k].leaf_switch
						  : pn[k].domain))
				break;
		if (j == n_m)
			continue;
		tmp = pn[front];
		pn[front++] = pn[k];
		pn[k] = tmp;
	}
	xfree(near);
	return front;
}

int hetero_select_job_test(struct hetero_job_test *t)
{
	job_record_t *job_ptr = t->job_ptr;
	struct hetero_spec spec;
	struct placement_request req;
	struct placement_result res;
	struct placement_node *pn;
	uint32_t block_size[PLACEMENT_LEVELS];
	size_t n, k, block_levels;
	bool run_now = SELECT_IS_MODE_RUN_NOW(t->mode);
	struct dlh_error err;
	job_record_t *main_ptr = NULL;
	char why[256];
	int rc = PLACEMENT_NEVER, tier;
	size_t n_near;
	uint32_t picked;

	if (hetero_spec_parse(job_spec(job_ptr), &spec, &err)) {
		error("%s: %pJ: bad DL_HETERO: %s", PLUGIN, job_ptr, err.text);
		return SLURM_ERROR;
	}
	if (placement_request_from_spec(&spec, &req)) {
		error("%s: %pJ: DL_HETERO=%s is no placement request", PLUGIN,
		      job_ptr, job_spec(job_ptr));
		return SLURM_ERROR;
	}
	if (req.is_auto && chips)
		req.score = mix_score;
	if (!pass_budget_left()) {
		debug("%s: %pJ: placement budget of this second spent", PLUGIN,
		      job_ptr);
		if (run_now) {
			xfree(job_ptr->state_desc);
			job_ptr->state_desc = xstrdup(
				"dlhetero: placement budget of this scheduling pass spent, waits for the next pass");
		}
		return SLURM_ERROR;
	}
	if (run_now)
		skip_restarted_nodes(job_ptr, t->node_bitmap);
	if (part_of(job_ptr) &&
	    !(main_ptr = part_candidates(job_ptr, t->node_bitmap, run_now)))
		return SLURM_ERROR;
	pn = collect_nodes(t->node_bitmap, !run_now, &n, block_size,
			   &block_levels);
	memset(&res, 0, sizeof(res));
	err.text[0] = '\0';
	/* a part: near its main job first (near_main()), then anywhere */
	for (tier = main_ptr ? 0 : 2; tier <= 2; tier++) {
		n_near = tier < 2 ? near_main(main_ptr, pn, n, tier) : n;
		if (tier < 2 && (!n_near || n_near == n))
			continue;
		rc = placement_place_blocks(pn, n_near, &req, block_size,
					    block_levels, &res, &err);
		/* block placement counts its failed tries too */
		sched_budget_spend(&pass, res.work ? res.work : n_near);
		if (rc == PLACEMENT_OK || tier == 2)
			break;
		placement_result_free(&res);
		memset(&res, 0, sizeof(res));
		err.text[0] = '\0';
	}
	if (rc == PLACEMENT_INVALID)
		error("%s: %pJ: %s", PLUGIN, job_ptr, err.text);
	if (rc == PLACEMENT_OK && res.budget_hit)
		debug("%s: %pJ: placement work budget hit (%" PRIu64
		      " units), best placement found is used",
		      PLUGIN, job_ptr, res.work);
	if (rc != PLACEMENT_OK) {
		placement_explain(pn, n, &req, why, sizeof(why));
		if (block_levels && err.text[0]) /* the block rule's reason */
			snprintf(why, sizeof(why), "%s", err.text);
		debug("%s: %pJ: %s", PLUGIN, job_ptr, why);
		if (run_now) {
			xfree(job_ptr->state_desc);
			job_ptr->state_desc =
				xstrdup_printf("dlhetero: %s", why);
		}
		xfree(pn);
		return SLURM_ERROR;
	}
	bit_clear_all(t->node_bitmap);
	for (k = 0; k < res.n_picks; k++)
		bit_set(t->node_bitmap, res.picks[k].index);
	picked = bit_set_count(t->node_bitmap);
	debug("%s: %pJ: placed on %u nodes (leaves %u, span level %u, "
	      "domain links %u)",
	      PLUGIN, job_ptr, picked, res.cost.leaves, res.cost.span_level,
	      res.cost.domain_links);
	xfree(pn);

	rc = t->cons_tres_on(t, picked);
	if (rc == SLURM_SUCCESS && run_now)
		steer_gres(job_ptr, &res);
	placement_result_free(&res);
	return rc;
}

/*
 * A part has its nodes: it joins its main job's growth record, as the
 * next plan generation, and names its main job in its own comment (sacct
 * shows both).  Recorded again after a slurmctld restart: the main job
 * lists it already.
 */
static void link_part(job_record_t *part)
{
	job_record_t *m = main_job(part);
	const char *map = job_env_get(part, DLH_ENV_MAP), *main_map;
	struct hetero_growth g, pg;
	struct dlh_error err;

	if (!m || !map || !(main_map = job_env_get(m, DLH_ENV_MAP))) {
		error("%s: %pJ: job %u it extends is not running, or one of the two has no map: not linked",
		      PLUGIN, part, part_of(part));
		cancel_later(part->job_id);
		return;
	}
	growth_get(m, &g);
	if (hetero_growth_find(&g, part->job_id) >= 0) {
		hetero_growth_free(&g);
		return;
	}
	growth_get(part, &pg);
	if (!g.map)
		g.map = strdup(main_map);
	if (!g.map || hetero_growth_add_part(&g, part->job_id, map, &err)) {
		error("%s: %pJ: not a part of %pJ: %s", PLUGIN, part, m,
		      g.map ? err.text : "out of memory");
		cancel_later(part->job_id);
	} else {
		g.generation++;
		growth_put(m, &g);
		pg.part_of = m->job_id;
		growth_put(part, &pg);
		info("%s: %pJ grows %pJ: plan generation %u over %zu parts",
		     PLUGIN, part, m, g.generation, g.n_parts + 1);
	}
	hetero_growth_free(&g);
	hetero_growth_free(&pg);
}

/*
 * A part has ended: its main job plans without it.  The main job has
 * ended: its parts are cancelled (from the wake thread: slurmctld's locks
 * are held here).
 */
static void growth_job_fini(job_record_t *job_ptr)
{
	struct hetero_growth g;
	job_record_t *m;
	size_t i;

	growth_get(job_ptr, &g);
	if (g.part_of && find_job_record && (m = find_job_record(g.part_of))) {
		hetero_growth_free(&g);
		growth_get(m, &g);
		if (hetero_growth_remove_part(&g, job_ptr->job_id)) {
			g.generation++;
			growth_put(m, &g);
			info("%s: %pJ left %pJ: plan generation %u", PLUGIN,
			     job_ptr, m, g.generation);
		}
	} else {
		for (i = 0; i < g.n_parts; i++)
			cancel_later(g.part[i].job_id);
	}
	hetero_growth_free(&g);
}

void hetero_select_job_allocated(job_record_t *job_ptr)
{
	if (!hetero_select_is_hetero_job(job_ptr))
		return;
	record_map(job_ptr);
	if (part_of(job_ptr))
		link_part(job_ptr);
}

/*
 * Slurm starts a job whose begin time has passed at its next scheduling
 * pass: the main scheduler runs on events (a job submitted or ending, a
 * node changed) and otherwise every sched_interval (60 s), backfill every
 * bf_interval (30 s).  The end of a requeue hold is no event, so a thread
 * asks for a pass (queue_job_scheduler()) when the earliest hold ends, and
 * again for the latest.  Joined in hetero_select_fini().
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running, stop;
	time_t first, last;  /* holds that end; 0: none */
	uint32_t cancel[64]; /* parts to cancel (growth_job_fini()) */
	int n_cancel;
} wake = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/*
 * slurmctld's queue_job_scheduler(), looked up when first needed: slurmd
 * loads this plugin too and has no such symbol, and a plugin linked with
 * -z now (Debian's hardening) would not load there if it named it.
 */
static void (*queue_scheduler)(void);

/* slurm_kill_job() of a whole job: 26.05 names it by step id */
static int kill_job(uint32_t job_id)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26, 5, 0)
	slurm_step_id_t id = SLURM_STEP_ID_INITIALIZER;

	id.job_id = job_id;
	return slurm_kill_job(id, SIGKILL, 0);
#else
	return slurm_kill_job(job_id, SIGKILL, 0);
#endif
}

static void *wake_main(void *arg)
{
	struct timespec ts = { 0 };

	uint32_t id;

	slurm_mutex_lock(&wake.lock);
	while (!wake.stop) {
		if (wake.n_cancel) {
			id = wake.cancel[--wake.n_cancel];
			slurm_mutex_unlock(&wake.lock);
			/* an RPC to slurmctld, as SlurmUser, with no lock */
			if (kill_job(id) && errno != ESLURM_ALREADY_DONE)
				error("%s: cannot cancel part %u: %s", PLUGIN,
				      id, slurm_strerror(errno));
			else
				info("%s: JobId=%u cancelled: the job it extended has ended",
				     PLUGIN, id);
			slurm_mutex_lock(&wake.lock);
			continue;
		}
		if (!wake.first) {
			slurm_cond_wait(&wake.cond, &wake.lock);
			continue;
		}
		ts.tv_sec = wake.first;
		if (pthread_cond_timedwait(&wake.cond, &wake.lock, &ts) !=
			    ETIMEDOUT ||
		    time(NULL) < wake.first)
			continue;
		wake.first = wake.last > wake.first ? wake.last : 0;
		wake.last = 0;
		slurm_mutex_unlock(&wake.lock);
		queue_scheduler();
		slurm_mutex_lock(&wake.lock);
	}
	slurm_mutex_unlock(&wake.lock);
	return NULL;
}

static void wake_start(void)
{
	if (!wake.running && !wake.stop &&
	    !pthread_create(&wake.thread, NULL, wake_main, NULL))
		wake.running = true;
}

static void wake_scheduler_at(time_t at)
{
	if (!queue_scheduler &&
	    !(queue_scheduler = dlsym(RTLD_DEFAULT, "queue_job_scheduler"))) {
		debug("%s: no queue_job_scheduler in this process", PLUGIN);
		return;
	}
	slurm_mutex_lock(&wake.lock);
	wake_start();
	if (!wake.first || at < wake.first) {
		if (wake.first > wake.last)
			wake.last = wake.first;
		wake.first = at;
	} else if (at > wake.last) {
		wake.last = at;
	}
	slurm_cond_signal(&wake.cond);
	slurm_mutex_unlock(&wake.lock);
}

static void cancel_later(uint32_t job_id)
{
	int i;

	slurm_mutex_lock(&wake.lock);
	wake_start();
	for (i = 0; i < wake.n_cancel && wake.cancel[i] != job_id; i++)
		;
	if (i == wake.n_cancel &&
	    wake.n_cancel <
		    (int) (sizeof(wake.cancel) / sizeof(wake.cancel[0])))
		wake.cancel[wake.n_cancel++] = job_id;
	slurm_cond_signal(&wake.cond);
	slurm_mutex_unlock(&wake.lock);
}

static void wake_stop(void)
{
	slurm_mutex_lock(&wake.lock);
	wake.stop = true;
	slurm_cond_signal(&wake.cond);
	slurm_mutex_unlock(&wake.lock);
	if (wake.running)
		pthread_join(wake.thread, NULL);
	wake.running = wake.stop = false;
	wake.first = wake.last = 0;
	wake.n_cancel = 0;
}

/*
 * Slurm holds a requeued batch job back cred_expire + 1 seconds (120 s by
 * default) unless its begin time is still in the future when the requeue
 * completes (batch_requeue_fini() in job_mgr.c).  The hold is there so
 * that the new batch launch credential's time stamp is later than the
 * revoke of the old one, and the nodes have cleared the old run's I/O:
 * seconds, not minutes.  So when a --dl-hetero job's resources are freed
 * (the job ends, or is being requeued: at this point both look alike), its
 * begin time is set RequeueHold seconds ahead and a scheduling pass asked
 * for when it has passed; a job that ends keeps no use of either.  A
 * begin time the user set further ahead is kept.
 */
void hetero_select_job_fini(job_record_t *job_ptr)
{
	int hold = cfg ? cfg->requeue_hold : DLH_REQUEUE_HOLD_DEFAULT;
	time_t at = time(NULL) + hold;

	if (hetero_select_is_hetero_job(job_ptr))
		growth_job_fini(job_ptr);
	if (hold <= 0 || !job_ptr->batch_flag || !job_ptr->details ||
	    !job_ptr->details->requeue || !hetero_select_is_hetero_job(job_ptr))
		return;
	if (job_ptr->details->begin_time < at) {
		job_ptr->details->begin_time = at;
		wake_scheduler_at(at + 1);
		debug("%s: %pJ may start again at the earliest in %d s if requeued",
		      PLUGIN, job_ptr, hold);
	}
}
