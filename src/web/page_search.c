#include "web/pages.h"
int page_search(struct req *r, struct resp *p) { (void)r; (void)p; return -1; }
