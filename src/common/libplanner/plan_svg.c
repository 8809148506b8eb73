/*
 * plan_svg: draw a plan as SVG (see plan_svg.h).  Written with
 * open_memstream so the picture can go to a file or into a test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_svg.h"

#define SVG_W		   1200
#define MARGIN		   20
#define MAX_DRAWN_REPLICAS 16

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

/* Colour per chip type: the same type always gets the same colour in one
 * picture, even when it appears in two groups. */
static const char *chip_colour(const struct plan *p, int group)
{
	size_t i, n = 0;

	for (i = 0; i < (size_t) group && i < p->n_groups; i++) {
		size_t k;
		int seen = 0;

		if (!strcmp(p->groups[i].chip, p->groups[group].chip))
			return chip_colour(p, (int) i);
		for (k = 0; k < i; k++)
			seen |= !strcmp(p->groups[k].chip, p->groups[i].chip);
		n += !seen;
	}
	return palette[n % (sizeof(palette) / sizeof(palette[0]))];
}

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void text(FILE *f, double x, double y, int size, const char *anchor,
		 const char *s)
{
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">",
		x, y, size, anchor);
	esc(f, s);
	fputs("</text>\n", f);
}

static void legend(FILE *f, const struct plan *p, double y)
{
	double x = MARGIN;
	size_t i;
	char buf[160];

	for (i = 0; i < p->n_groups; i++) {
		const struct plan_group *g = &p->groups[i];

		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\"/>\n",
			x, y - 11, chip_colour(p, (int) i));
		snprintf(buf, sizeof(buf), "%s: %d x %d, tp %d pp %d dp %d%s",
			 g->chip, g->nodes, g->accel_per_node, g->tp, g->pp,
			 g->dp, g->ep > 1 ? " (ep)" : "");
		text(f, x + 18, y, 12, "start", buf);
		x += 18 + 8.0 * strlen(buf) + 20;
	}
}

static void draw_train(FILE *f, const struct plan *p, double y0)
{
	double avail = SVG_W - 2 * MARGIN, x = MARGIN, unit;
	int total = 0, min_w = 36;
	size_t j;
	char buf[96];

	for (j = 0; j < p->n_stages; j++)
		total += p->stages[j].last_layer - p->stages[j].first_layer;
	unit = (avail - min_w * (double) p->n_stages) / (total ? total : 1);
	if (unit < 0)
		unit = 0;
	for (j = 0; j < p->n_stages; j++) {
		const struct plan_stage *s = &p->stages[j];
		double w = min_w + unit * (s->last_layer - s->first_layer);
		int nmin = -1, nmax = -1;
		size_t r;

		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"70\" fill=\"%s\" stroke=\"#222\"><title>stage %d: layers %d-%d, %.1f ms per micro-batch, %.1f of %.1f GB</title></rect>\n",
			x, y0, w - 2, chip_colour(p, s->group), s->stage,
			s->first_layer, s->last_layer - 1, s->time_s * 1e3,
			s->mem.total / 1e9, s->mem.capacity / 1e9);
		snprintf(buf, sizeof(buf), "S%d", s->stage);
		text(f, x + (w - 2) / 2, y0 + 16, 11, "middle", buf);
		snprintf(buf, sizeof(buf), "L%d-%d", s->first_layer,
			 s->last_layer - 1);
		text(f, x + (w - 2) / 2, y0 + 32, 10, "middle", buf);
		snprintf(buf, sizeof(buf), "%.0fms", s->time_s * 1e3);
		text(f, x + (w - 2) / 2, y0 + 48, 9, "middle", buf);
		/* The nodes the stage's ranks run on. */
		for (r = 0; r < p->n_ranks; r++) {
			if (p->ranks[r].stage != s->stage)
				continue;
			if (nmin < 0 || p->ranks[r].node < nmin)
				nmin = p->ranks[r].node;
			if (p->ranks[r].node > nmax)
				nmax = p->ranks[r].node;
		}
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" fill=\"#eee\" stroke=\"%s\"/>\n",
			x, y0 + 76, w - 2, chip_colour(p, s->group));
		if (nmin == nmax)
			snprintf(buf, sizeof(buf), "n%d", nmin);
		else
			snprintf(buf, sizeof(buf), "n%d-%d", nmin, nmax);
		text(f, x + (w - 2) / 2, y0 + 90, 9, "middle", buf);
		x += w;
	}
}

static void draw_infer(FILE *f, const struct plan *p, double y0)
{
	double y = y0;
	size_t g;
	char buf[128];

	for (g = 0; g < p->n_groups; g++) {
		const struct plan_group *G = &p->groups[g];
		int shown = G->replicas < MAX_DRAWN_REPLICAS
				    ? G->replicas
				    : MAX_DRAWN_REPLICAS;
		double rw = shown ? (SVG_W - 2.0 * MARGIN - 160) / shown : 0;
		int r, j;

		snprintf(buf, sizeof(buf), "%s: %d replicas", G->chip,
			 G->replicas);
		text(f, MARGIN, y + 24, 12, "start", buf);
		for (r = 0; r < shown; r++) {
			double x = MARGIN + 160 + r * rw;

			for (j = 0; j < G->pp; j++) {
				double sw = (rw - 4) / G->pp;
				int L = G->last_layer - G->first_layer;
				int a = j * (L / G->pp) +
					(j < L % G->pp ? j : L % G->pp);
				int n = L / G->pp + (j < L % G->pp);

				fprintf(f,
					"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"36\" fill=\"%s\" stroke=\"#222\"><title>replica %d stage %d: layers %d-%d, tp %d</title></rect>\n",
					x + j * sw, y, sw, chip_colour(p, g), r,
					j, a, a + n - 1, G->tp);
				if (sw > 30) {
					snprintf(buf, sizeof(buf), "L%d-%d", a,
						 a + n - 1);
					text(f, x + j * sw + sw / 2, y + 22, 9,
					     "middle", buf);
				}
			}
		}
		if (G->replicas > shown) {
			snprintf(buf, sizeof(buf), "+%d more",
				 G->replicas - shown);
			text(f, SVG_W - MARGIN, y + 50, 10, "end", buf);
		}
		y += 60;
	}
}

char *plan_to_svg(const struct plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	double h;
	FILE *f;
	char line[256];

	if (!p)
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	h = p->mode == PLAN_TRAIN ? 200 : 100 + 60.0 * p->n_groups;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		SVG_W, h);
	if (p->mode == PLAN_TRAIN)
		snprintf(
			line, sizeof(line),
			"%s train, %d ranks: %.3g s/step, %.4g tokens/s, efficiency %.1f%% (even split %.1f%%), recompute %s",
			p->model, p->world_size, p->step_time_s,
			p->tokens_per_s, 100 * p->efficiency,
			100 * p->even_split_efficiency,
			recompute_name(p->recompute));
	else
		snprintf(line, sizeof(line),
			 "%s infer, %d ranks: %.4g tokens/s decode", p->model,
			 p->world_size, p->tokens_per_s);
	text(f, MARGIN, 24, 14, "start", line);
	legend(f, p, 48);
	if (p->mode == PLAN_TRAIN)
		draw_train(f, p, 70);
	else
		draw_infer(f, p, 70);
	fputs("</svg>\n", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int plan_write_svg(const struct plan *p, const char *path,
		   struct dlh_error *err)
{
	char *svg = plan_to_svg(p);
	FILE *f;
	int rc = 0;

	if (!svg)
		return dlh_err(err, "out of memory drawing the plan");
	f = fopen(path, "w");
	if (!f || fputs(svg, f) < 0)
		rc = dlh_err(err, "%s: %s", path, strerror(errno));
	if (f && fclose(f) && !rc)
		rc = dlh_err(err, "%s: %s", path, strerror(errno));
	free(svg);
	return rc;
}
