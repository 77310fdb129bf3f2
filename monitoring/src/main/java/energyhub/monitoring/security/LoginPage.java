package energyhub.monitoring.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** The cockpit's login form: Spring Security's form login posts here (with the CSRF token), then opens Hawtio. */
@RestController
public class LoginPage {

    @GetMapping(path = "/login", produces = MediaType.TEXT_HTML_VALUE)
    public String login(HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        String notice = request.getParameter("error") != null ? "<p class=\"error\">Wrong user name or password, "
                + "or locked out after too many failures.</p>"
                : request.getParameter("logout") != null ? "<p>Logged out.</p>" : "";
        return """
                <!doctype html>
                <html lang="zh-CN"><head><meta charset="utf-8"><title>Exchange hub · login</title>
                <style>body{font-family:sans-serif;max-width:22rem;margin:6rem auto}label,input,button{display:block;
                width:100%%;margin:.4rem 0}input{padding:.4rem}.error{color:#b00}</style></head>
                <body><h1>Exchange hub 前置机</h1>%s
                <form method="post" action="login">
                <label for="username">User</label><input id="username" name="username" autocomplete="username" autofocus>
                <label for="password">Password</label><input id="password" name="password" type="password"
                  autocomplete="current-password">
                <input type="hidden" name="%s" value="%s">
                <button type="submit">Log in</button>
                </form></body></html>
                """.formatted(notice, csrf == null ? "_csrf" : HtmlUtils.htmlEscape(csrf.getParameterName()),
                csrf == null ? "" : HtmlUtils.htmlEscape(csrf.getToken()));
    }
}
