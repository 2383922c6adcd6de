package render_test

import (
	"fmt"
	"log"
	"os"

	"github.com/debrief-dev/debrief/render"
)

func ExampleByName() {
	r, err := render.ByName("navigator")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Name(), r.MediaType(), "review-4242"+r.Ext())
	_, err = render.ByName("pdf")
	fmt.Println(err)
	// Output:
	// navigator application/json review-4242.layer.json
	// format "pdf": want one of md, html, json, navigator, attack-flow
}

func ExampleAll() {
	for _, r := range render.All() {
		fmt.Fprintf(os.Stdout, "%-12s %s\n", r.Name(), r.Ext())
	}
	// Output:
	// md           .md
	// html         .html
	// json         .json
	// navigator    .layer.json
	// attack-flow  .flow.json
}
